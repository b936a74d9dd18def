/*
 * Container Playground's offline "hello-world" image: a tiny static program without libc
 * (raw write/exit system calls), built with
 *   gcc -Os -static -nostdlib -fno-stack-protector ... -o hello hello.c
 * It plays the part of Docker's own hello-world image, which cannot be pulled here.
 */

static const char message[] =
    "\n"
    "Hello from Docker!\n"
    "This message shows that your installation appears to be working correctly.\n"
    "\n"
    "To generate this message, Docker took the following steps:\n"
    " 1. The Docker client contacted the Docker daemon running inside your\n"
    "    Container Playground sandbox (your sandbox is itself a container).\n"
    " 2. The Docker daemon found the \"hello-world\" image locally: it was loaded\n"
    "    offline into your sandbox when the sandbox started (no registry involved).\n"
    " 3. The Docker daemon created a new container from that image, which runs the\n"
    "    executable that produced the output you are currently reading.\n"
    " 4. The Docker daemon streamed that output to the Docker client, which sent it\n"
    "    to your terminal.\n"
    "\n"
    "To try something more ambitious, you can run a BusyBox container with:\n"
    " $ docker run -it busybox sh\n"
    "\n"
    "Then compare what the container sees with your sandbox: hostname, ps, ls /.\n"
    "Namespaces at work! List them with: lsns\n"
    "\n";

#if defined(__x86_64__)
#define SYS_WRITE 1
#define SYS_EXIT 60
static long sys3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}
#define ENTRY __attribute__((force_align_arg_pointer, noreturn)) void
#elif defined(__aarch64__)
#define SYS_WRITE 64
#define SYS_EXIT 93
static long sys3(long n, long a, long b, long c)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}
#define ENTRY __attribute__((noreturn)) void
#else
#error "hello.c supports x86_64 and aarch64"
#endif

ENTRY _start(void)
{
    const char *p = message;
    long left = sizeof message - 1;
    int status = 0;

    while (left > 0) {
        long n = sys3(SYS_WRITE, 1, (long)p, left);
        if (n == -4) /* EINTR */
            continue;
        if (n <= 0) {
            status = 1;
            break;
        }
        p += n;
        left -= n;
    }
    for (;;)
        sys3(SYS_EXIT, status, 0, 0);
}
