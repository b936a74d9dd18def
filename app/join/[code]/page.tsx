import type { Metadata } from "next";
import { Join } from "./Join";

export const metadata: Metadata = { title: "Join a workshop · Container Playground" };

export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <Join code={code} />;
}
