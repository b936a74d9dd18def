import type { Metadata } from "next";
import { Playground } from "./Playground";

export const metadata: Metadata = { title: "Playground · Container Playground" };

export default function PlayPage() {
  return <Playground />;
}
