namespace McpServers.TestServer;

/// <summary>The test server's pretend backend; tests replace it with one that fails.</summary>
public interface ITestBackend
{
    string Echo(string text);
}

internal sealed class TestBackend : ITestBackend
{
    public string Echo(string text) => text;
}
