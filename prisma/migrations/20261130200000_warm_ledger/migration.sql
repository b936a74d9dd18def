-- CreateTable
CREATE TABLE "WarmSandbox" (
    "sandboxId" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "driverState" TEXT,
    "serverId" TEXT NOT NULL,
    "readyAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "WarmSandbox_serverId_readyAt_idx" ON "WarmSandbox"("serverId", "readyAt");
