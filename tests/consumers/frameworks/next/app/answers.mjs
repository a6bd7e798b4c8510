// The chat of the Next.js consumer test (frameworks.test.mjs): two answers of the history, rendered on the server,
// and the new answer the route handler streams. Shared by the server and the client: hydration needs the same options.
export const OPTIONS = { html: "sanitize", links: "new-tab" };

export const HISTORY = [
  "# A first answer\n\nWith **bold**, `code`, a [link](https://example.com/docs) and <sup>raw HTML</sup>.\n\n" +
    "- one\n- two\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n",
  "A second answer, with a footnote[^1] and a code block:\n\n```js\nconsole.log(1);\n```\n\n[^1]: The note.\n",
];

export const NEW_ANSWER =
  "## The new answer\n\nIt streams from a **route handler**, a few words at a time, into `useRillmark()`.\n\n" +
  "1. first\n2. second, with *emphasis*\n\n> And a quote to end with.\n";
