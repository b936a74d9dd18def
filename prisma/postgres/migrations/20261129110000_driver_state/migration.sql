-- AlterTable
ALTER TABLE "PlaygroundSession" ADD COLUMN "driverState" TEXT;
