"use client";
// A client component: streams the new answer from the route handler; the test calls window.__ask().
import { useEffect } from "react";
import { useRillmark } from "rillmark/react";
import { OPTIONS } from "./answers.mjs";

export function NewAnswer() {
  const md = useRillmark(OPTIONS);
  useEffect(() => {
    window.__ask = () => md.fetch("/api/answer");
    window.__hydrated = true;
  }, []);
  return <div ref={md.ref} id="new-answer" className="rillmark" data-status={md.status} />;
}
