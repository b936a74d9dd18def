-- AlterTable
ALTER TABLE "Staff" ADD COLUMN "displayName" TEXT;
