namespace McpServers.Testing; public static class Placeholder { }
