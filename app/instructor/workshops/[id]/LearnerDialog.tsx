"use client";
// One learner, full size: their live terminal (read-only, or typing with "Take control"), a
// direct message, and replays of their recorded terminals.
import { useEffect, useState } from "react";
import type { RecordingInfo } from "../../../../lib/protocol";
import type { LearnerRow } from "../../../../lib/protocol";
import { CastPlayer } from "../../../components/CastPlayer";
import { api } from "../../../api-client";
import { LiveTerminal } from "./LiveTerminal";
import { MessageForm } from "./MessageForm";

type Tab = "live" | "replay";

/** "4 min 10 s" from a recording's start to its end (or "live" while it is still being written). */
function lasted(r: RecordingInfo): string {
  if (!r.endedAt) return "live";
  const s = Math.max(0, Math.round((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function LearnerDialog({ workshopId, learner, onClose, onMessageSent }: { workshopId: string; learner: LearnerRow; onClose: () => void; onMessageSent?: () => void }) {
  const [tab, setTab] = useState<Tab>(learner.sandboxRunning ? "live" : "replay");
  const [recordings, setRecordings] = useState<RecordingInfo[] | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (tab !== "replay") return;
    void api<{ recordings: RecordingInfo[] }>(`/api/workshops/${encodeURIComponent(workshopId)}/learners/${encodeURIComponent(learner.userId)}/recordings`).then((res) => {
      if (!res.ok) return setProblem(res.error);
      setRecordings(res.data.recordings);
      setPlaying((p) => p ?? res.data.recordings[0]?.id ?? null);
    });
  }, [tab, workshopId, learner.userId]);

  return (
    <div className="watch-overlay" role="dialog" aria-modal="true" aria-label={`${learner.displayName}'s terminal`} onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div className="watch-panel">
        <div className="watch-head">
          <div className="watch-who">
            <strong>{learner.displayName}</strong>
            <span className="muted">{learner.currentLesson ? `${learner.currentLesson.title} · step ${learner.currentLesson.stepIndex + 1} of ${learner.currentLesson.steps}` : "All steps done"}</span>
          </div>
          <div role="tablist" aria-label="View" className="tabs">
            <button type="button" role="tab" aria-selected={tab === "live"} className="button small" onClick={() => setTab("live")}>
              Live
            </button>
            <button type="button" role="tab" aria-selected={tab === "replay"} className="button small" onClick={() => setTab("replay")}>
              Recordings
            </button>
          </div>
          <button type="button" className="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
        {tab === "live" &&
          (learner.sandboxRunning ? (
            <LiveTerminal workshopId={workshopId} userId={learner.userId} fontSize={14} label={`${learner.displayName}'s terminal`} controllable />
          ) : (
            <p>This learner has no sandbox running. Their recordings are under “Recordings”.</p>
          ))}
        {tab === "replay" && (
          <div className="replays">
            {problem && <p role="alert">{problem}</p>}
            {recordings?.length === 0 && <p>No recorded terminal yet.</p>}
            {recordings && recordings.length > 0 && (
              <label>
                Recording{" "}
                <select value={playing ?? ""} onChange={(e) => setPlaying(e.target.value)} data-testid="recording-select">
                  {recordings.map((r) => (
                    <option key={r.id} value={r.id}>
                      {new Date(r.startedAt).toLocaleString()} · {lasted(r)} · {size(r.bytes)}
                      {r.truncated ? " · cut at the size limit" : ""}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {playing && <CastPlayer key={playing} src={`/api/recordings/${playing}.cast`} label={`Replay of ${learner.displayName}'s terminal`} />}
          </div>
        )}
        <MessageForm workshopId={workshopId} to={learner} label={`Message to ${learner.displayName}`} onSent={onMessageSent} />
      </div>
    </div>
  );
}
