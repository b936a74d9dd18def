-- CreateTable
CREATE TABLE "WarmSandbox" (
    "sandboxId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driverState" TEXT,
    "serverId" TEXT NOT NULL,
    "readyAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WarmSandbox_pkey" PRIMARY KEY ("sandboxId")
);

-- CreateIndex
CREATE INDEX "WarmSandbox_serverId_readyAt_idx" ON "WarmSandbox"("serverId", "readyAt");
