-- AlterTable
ALTER TABLE "User" ADD COLUMN "displayName" TEXT;

-- CreateTable
CREATE TABLE "StepProgress" (
    "userId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "hintShown" BOOLEAN NOT NULL DEFAULT false,
    "solutionShown" BOOLEAN NOT NULL DEFAULT false,
    "passedAt" DATETIME,
    "lastCheckedAt" DATETIME,
    "lastFeedback" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "lessonId", "stepId"),
    CONSTRAINT "StepProgress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "StepProgress_lessonId_idx" ON "StepProgress"("lessonId");

