namespace McpServers.Shared.Pipeline;

/// <summary>
/// The tools of a background source (<see cref="PendingTools"/>) are not there: not loaded within their wait, or
/// their load failed. The message names the source's setting and is safe to show the model and the administrator.
/// </summary>
public sealed class ToolsUnavailableException : Exception
{
    public ToolsUnavailableException()
    {
    }

    public ToolsUnavailableException(string message) : base(message)
    {
    }

    public ToolsUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
