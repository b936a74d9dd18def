-- AlterTable
ALTER TABLE "User" ADD COLUMN     "nameKey" TEXT,
ADD COLUMN     "recoveryHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "User_nameKey_key" ON "User"("nameKey");

