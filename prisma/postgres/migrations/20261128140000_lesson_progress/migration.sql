-- AlterTable
ALTER TABLE "User" ADD COLUMN     "displayName" TEXT;

-- CreateTable
CREATE TABLE "StepProgress" (
    "userId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "hintShown" BOOLEAN NOT NULL DEFAULT false,
    "solutionShown" BOOLEAN NOT NULL DEFAULT false,
    "passedAt" TIMESTAMP(3),
    "lastCheckedAt" TIMESTAMP(3),
    "lastFeedback" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StepProgress_pkey" PRIMARY KEY ("userId","lessonId","stepId")
);

-- CreateIndex
CREATE INDEX "StepProgress_lessonId_idx" ON "StepProgress"("lessonId");

-- AddForeignKey
ALTER TABLE "StepProgress" ADD CONSTRAINT "StepProgress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

