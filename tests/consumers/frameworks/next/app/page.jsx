// A server component: the history rendered with rillmark/server into <Markdown html>, which the client hydrates.
import { Markdown } from "rillmark/react";
import { renderToString } from "rillmark/server";
import { HISTORY, OPTIONS } from "./answers.mjs";
import { NewAnswer } from "./new-answer.jsx";

export const dynamic = "force-dynamic";

export default function Chat() {
  return (
    <main>
      {HISTORY.map((text, i) => (
        <Markdown key={i} id={`history-${i}`} text={text} options={OPTIONS} html={renderToString(text, OPTIONS)} />
      ))}
      <NewAnswer />
    </main>
  );
}
