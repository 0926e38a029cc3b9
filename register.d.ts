// The zero-code entry point registers the instrumentation when loaded; it exports nothing.
export {};
