import Link from "next/link";

export default function Home() {
  return (
    <div className="landing">
      <main>
        <h1>Container Playground</h1>
        <p>
          Get a real Linux machine in your browser, with its own Docker engine, and see for yourself how
          containers are built from namespaces and cgroups. Nothing to install: experiment freely, because your
          sandbox is disposable and yours alone.
        </p>
        <div className="links">
          <Link className="button primary large" href="/lessons">
            Start the course
          </Link>
          <Link className="button large" href="/play">
            Open a free playground
          </Link>
        </div>
        <p className="fineprint">Free and open source. Your sandbox is removed when you end the session.</p>
      </main>
    </div>
  );
}
