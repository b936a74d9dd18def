"use client";
// A workshop's dashboard: the join code, link and QR code for the projector, pre-warming,
// raised hands, messages, and every learner: on the class wall (a live picture of each
// terminal) or in a table, with lesson and step, progress, activity, and the hand, stuck and
// queued flags. Rows update live over the /staff socket; raised hands also show in the tab
// title and, if the teacher wants, with a sound.
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { HandInfo } from "../../../../lib/protocol";
import type { DashboardUpdate } from "../../../../lib/protocol";
import type { LearnerRow } from "../../../../lib/protocol";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { api } from "../../../api-client";
import { staffRequest, staffSocket } from "../../staff-socket";
import { sinceText, dashboardTitle } from "./activity-text";
import { AuditTrail } from "./AuditTrail";
import { ClassWall, type TileSize } from "./ClassWall";
import { HandsPanel } from "./HandsPanel";
import { LearnerDialog } from "./LearnerDialog";
import { MessageForm } from "./MessageForm";
import { PrewarmPanel } from "./PrewarmPanel";
import { SentMessages } from "./SentMessages";
import { ProgressMatrix } from "./ProgressMatrix";

interface WorkshopView {
  id: string;
  title: string;
  joinCode: string;
  joinUrl: string;
  capacity: number;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  lessons: { id: string; title: string; steps: number }[];
}

type Sort = "name" | "progress" | "stuck";
type View = "wall" | "table";

/** "Just now"-style texts stay current without a push. */
const NOW_TICK_MS = 5000;

/** A short, soft two-note chime (no sound file to ship), for a hand going up. */
function chime(): void {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  [660, 880].forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + i * 0.18 + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + i * 0.18);
    osc.stop(ctx.currentTime + i * 0.18 + 0.32);
  });
  setTimeout(() => void ctx.close(), 1000);
}

/** A busy class sends many updates; the matrix and the audit log need not follow each one. */
const DETAIL_RELOAD_MS = 3000;

function ago(iso: string | null): string {
  if (!iso) return "no progress yet";
  const min = Math.round((Date.now() - new Date(iso).getTime()) / 60_000);
  return min < 1 ? "just now" : `${min} min ago`;
}

export function Dashboard({ id }: { id: string }) {
  const [workshop, setWorkshop] = useState<WorkshopView | null>(null);
  const [learners, setLearners] = useState<LearnerRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>("stuck");
  const [filter, setFilter] = useState("");
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [watchingId, setWatchingId] = useState<string | null>(null);
  const [hands, setHands] = useState<HandInfo[]>([]);
  const [live, setLive] = useState<"connecting" | "live" | "offline">("connecting");
  const [view, setView] = useState<View>("wall");
  const [tileSize, setTileSize] = useState<TileSize>("large");
  const [sound, setSound] = useState(false);
  const [projecting, setProjecting] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), NOW_TICK_MS);
    return () => clearInterval(tick);
  }, []);
  /** Bumped after live updates, at most every few seconds: the matrix and audit log reload with it. */
  const [version, setVersion] = useState(0);
  const reloadDue = useRef<ReturnType<typeof setTimeout> | null>(null);
  const bumpVersion = useCallback(() => {
    reloadDue.current ??= setTimeout(() => {
      reloadDue.current = null;
      setVersion((v) => v + 1);
    }, DETAIL_RELOAD_MS);
  }, []);
  useEffect(() => () => void (reloadDue.current && clearTimeout(reloadDue.current)), []);

  const load = useCallback(async () => {
    const res = await api<{ workshop: WorkshopView; learners: LearnerRow[] }>(`/api/workshops/${encodeURIComponent(id)}`);
    if (!res.ok) return setError(res.status === 401 ? "Sign in as an instructor to see this workshop." : res.error);
    setError(null);
    setWorkshop(res.data.workshop);
    setLearners(res.data.learners);
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  // Live rows and hands: subscribe on every (re)connect; the server pushes changes.
  useEffect(() => {
    const socket = staffSocket();
    const apply = (u: DashboardUpdate) => {
      if (u.workshopId !== id) return;
      setLearners(u.learners);
      setHands(u.hands);
      bumpVersion();
    };
    const subscribe = () =>
      void staffRequest("dashboard:subscribe", id).then((res) => {
        if (res.ok) {
          apply(res);
          setLive("live");
        } else setError(res.error);
      });
    const offline = () => setLive("offline");
    socket.on("dashboard:update", apply);
    socket.on("connect", subscribe);
    socket.on("disconnect", offline);
    socket.on("connect_error", offline);
    if (socket.connected) subscribe();
    return () => {
      socket.emit("dashboard:unsubscribe", id);
      socket.off("dashboard:update", apply);
      socket.off("connect", subscribe);
      socket.off("disconnect", offline);
      socket.off("connect_error", offline);
    };
  }, [id, bumpVersion]);
  const watching = learners.find((l) => l.userId === watchingId) ?? null;
  const handUserIds = useMemo(() => new Set(hands.map((h) => h.userId)), [hands]);

  // Raised hands in the tab title (seen from another tab), and a chime when one goes up.
  useEffect(() => {
    if (workshop) document.title = dashboardTitle(workshop.title, hands.length);
  }, [workshop, hands.length]);
  const knownHands = useRef<Set<string> | null>(null);
  useEffect(() => {
    const ids = new Set(hands.map((h) => h.id));
    const raised = knownHands.current ? [...ids].some((id) => !knownHands.current!.has(id)) : false;
    knownHands.current = ids;
    if (raised && sound) chime();
  }, [hands, sound]);

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const list = learners.filter((l) => !f || l.displayName.toLowerCase().includes(f));
    const needsHelp = (l: LearnerRow) => (handUserIds.has(l.userId) ? 2 : 0) + (l.stuck ? 1 : 0);
    const by: Record<Sort, (a: LearnerRow, b: LearnerRow) => number> = {
      name: (a, b) => a.displayName.localeCompare(b.displayName),
      progress: (a, b) => b.doneSteps - a.doneSteps,
      stuck: (a, b) => needsHelp(b) - needsHelp(a) || a.doneSteps - b.doneSteps,
    };
    return [...list].sort(by[sort]);
  }, [learners, filter, sort, handUserIds]);

  const end = async () => {
    const res = await api<{ sandboxesEnded: number }>(`/api/workshops/${encodeURIComponent(id)}/end`, { method: "POST", body: {} });
    if (!res.ok) return setError(res.error);
    setNotice(`Workshop ended: ${res.data.sandboxesEnded} sandbox(es) removed; progress kept.`);
    void load();
  };

  if (error && !workshop) {
    return (
      <div className="course">
        <main>
          <p className="lesson-problem" role="alert">
            {error}
          </p>
          <Link className="button" href="/instructor">
            Your workshops
          </Link>
        </main>
      </div>
    );
  }
  if (!workshop) return <p aria-live="polite">Loading…</p>;
  return (
    <div className="course">
      <header className="course-header">
        <Link className="brand" href="/instructor">
          ← Your workshops
        </Link>
        <button type="button" className="button danger" disabled={!!workshop.endedAt} onClick={() => setConfirmEnd(true)}>
          {workshop.endedAt ? "Ended" : "End workshop"}
        </button>
      </header>
      <main className="wide">
        <h1>{workshop.title}</h1>
        {notice && <p role="status">{notice}</p>}
        {live === "offline" && (
          <p className="lesson-problem" role="alert">
            Lost the live connection to the server; reconnecting… The rows below may be out of date.
          </p>
        )}
        {workshop.endedAt ? (
          <p className="muted" data-testid="ended-note">
            This workshop ended {new Date(workshop.endedAt).toLocaleString()}: its join code no longer works. Progress and recordings are kept below.
          </p>
        ) : (
          <section className="join-panel" aria-label="How learners join">
            <img src={`/api/workshops/${encodeURIComponent(id)}/qr.svg`} alt={`QR code for ${workshop.joinUrl}`} width={160} height={160} />
            <div>
              <p className="join-code" data-testid="join-code">
                {workshop.joinCode}
              </p>
              <p>
                Join at <a href={workshop.joinUrl}>{workshop.joinUrl}</a>
              </p>
              <p className="muted">
                {learners.length} of {workshop.capacity} learners · {workshop.lessons.map((l) => l.title).join(" → ")}
              </p>
              <button type="button" className="button" onClick={() => setProjecting(true)}>
                Show on the projector
              </button>
            </div>
          </section>
        )}
        <PrewarmPanel workshopId={id} capacity={workshop.capacity} ended={!!workshop.endedAt} />
        <HandsPanel workshopId={id} hands={hands} onOpen={setWatchingId} onProblem={setNotice} />
        {!workshop.endedAt && <MessageForm workshopId={id} to={null} label="Message to everyone" onSent={() => setVersion((v) => v + 1)} />}
        <SentMessages workshopId={id} version={version} />
        <h2>Learners</h2>
        <div className="table-tools">
          <div role="group" aria-label="Show learners as" className="segmented">
            <button type="button" className="button small" aria-pressed={view === "wall"} onClick={() => setView("wall")}>
              Class wall
            </button>
            <button type="button" className="button small" aria-pressed={view === "table"} onClick={() => setView("table")}>
              Table
            </button>
          </div>
          {view === "wall" && (
            <label>
              Tiles{" "}
              <select value={tileSize} onChange={(e) => setTileSize(e.target.value as TileSize)}>
                <option value="large">large (projector, up to 30)</option>
                <option value="small">small (up to 100)</option>
              </select>
            </label>
          )}
          <label>
            Filter by name <input value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
          <label>
            Sort by{" "}
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              <option value="stuck">needs help first</option>
              <option value="progress">progress</option>
              <option value="name">name</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> Sound when a hand goes up
          </label>
        </div>
        {view === "wall" && <ClassWall workshopId={id} learners={rows} handUserIds={handUserIds} size={tileSize} now={now} onOpen={setWatchingId} />}
        {view === "table" && (
          <div className="table-scroll">
            <table className="learners" data-testid="learners">
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Where</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Last progress</th>
                  <th scope="col">Activity</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={6}>No learner has joined yet. Show the code or the QR code.</td>
                  </tr>
                )}
                {rows.map((l) => (
                  <tr key={l.userId} data-stuck={l.stuck}>
                    <th scope="row">
                      <button type="button" className="link-button" onClick={() => setWatchingId(l.userId)}>
                        {l.displayName}
                      </button>
                      {handUserIds.has(l.userId) && (
                        <span className="hand-flag" title="Hand raised">
                          Hand raised
                        </span>
                      )}
                    </th>
                    <td>{l.currentLesson ? `${l.currentLesson.title}, step ${l.currentLesson.stepIndex + 1} of ${l.currentLesson.steps}` : "All done"}</td>
                    <td>
                      <progress max={l.totalSteps} value={l.doneSteps} aria-label={`${l.displayName}: ${l.doneSteps} of ${l.totalSteps} steps`} /> {l.doneSteps}/{l.totalSteps}
                    </td>
                    <td>{ago(l.lastProgressAt)}</td>
                    <td>
                      typed {sinceText(l.lastInputAt, now)} · output {sinceText(l.lastOutputAt, now)}
                    </td>
                    <td>
                      {l.stuck ? <strong className="stuck">Stuck</strong> : "OK"}
                      {l.failedChecks > 0 ? ` · ${l.failedChecks} failed check(s)` : ""}
                      {l.queuePosition !== null ? ` · queued, number ${l.queuePosition}` : l.sandboxRunning ? "" : " · no sandbox"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ProgressMatrix workshopId={id} version={version} />
        <AuditTrail workshopId={id} version={version} />
      </main>
      {projecting && !workshop.endedAt && (
        <div className="projector" role="dialog" aria-modal="true" aria-label="Join code for the projector" onKeyDown={(e) => e.key === "Escape" && setProjecting(false)}>
          <p className="projector-title">{workshop.title}</p>
          <p className="projector-code">{workshop.joinCode}</p>
          <p className="projector-url">{workshop.joinUrl}</p>
          <img src={`/api/workshops/${encodeURIComponent(id)}/qr.svg`} alt={`QR code for ${workshop.joinUrl}`} width={360} height={360} />
          <button type="button" className="button" onClick={() => setProjecting(false)} autoFocus>
            Close (Esc)
          </button>
        </div>
      )}
      {watching && <LearnerDialog workshopId={id} learner={watching} onClose={() => setWatchingId(null)} onMessageSent={() => setVersion((v) => v + 1)} />}
      <ConfirmDialog
        open={confirmEnd}
        title="End this workshop?"
        body="Every learner's sandbox is removed now. Their progress is kept, and the join code stops working."
        confirmLabel="End workshop"
        danger
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          void end();
        }}
      />
    </div>
  );
}
