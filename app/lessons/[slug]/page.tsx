import type { Metadata } from "next";
import { LessonPlayer } from "../LessonPlayer";

export const metadata: Metadata = { title: "Lesson · Container Playground" };

export default async function LessonPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <LessonPlayer slug={slug} />;
}
