// Placeholder: the MCP host and tools layer is built on top of Backend/ separately.
return 0;
