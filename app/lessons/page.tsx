import type { Metadata } from "next";
import { CourseList } from "./CourseList";

export const metadata: Metadata = { title: "Lessons · Container Playground" };

export default function LessonsPage() {
  return <CourseList />;
}
