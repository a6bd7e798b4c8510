// The README's advice: Node loads the server entry from node_modules (it reads its .wasm next to itself), while
// rillmark/react is bundled as usual (an external copy would import a React other than the one Next.js renders with).
export default { serverExternalPackages: ["rillmark/server"] };
