-- AlterTable
ALTER TABLE "PlaygroundSession" ADD COLUMN "clientAddress" TEXT;

-- CreateIndex
CREATE INDEX "PlaygroundSession_clientAddress_state_idx" ON "PlaygroundSession"("clientAddress", "state");
