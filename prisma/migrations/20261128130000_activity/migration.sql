-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PlaygroundSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "sandboxId" TEXT,
    "sandboxName" TEXT NOT NULL,
    "imageRef" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    "lastActiveAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "endReason" TEXT,
    "errorDetail" TEXT,
    CONSTRAINT "PlaygroundSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PlaygroundSession" ("createdAt", "endReason", "endedAt", "errorDetail", "expiresAt", "id", "imageRef", "readyAt", "sandboxId", "sandboxName", "state", "userId") SELECT "createdAt", "endReason", "endedAt", "errorDetail", "expiresAt", "id", "imageRef", "readyAt", "sandboxId", "sandboxName", "state", "userId" FROM "PlaygroundSession";
DROP TABLE "PlaygroundSession";
ALTER TABLE "new_PlaygroundSession" RENAME TO "PlaygroundSession";
CREATE INDEX "PlaygroundSession_userId_state_idx" ON "PlaygroundSession"("userId", "state");
CREATE INDEX "PlaygroundSession_state_idx" ON "PlaygroundSession"("state");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

