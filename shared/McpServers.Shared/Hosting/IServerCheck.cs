namespace McpServers.Shared.Hosting;

/// <summary>A check <c>--check</c> runs: reach the backend once, report what an administrator must fix.</summary>
public interface IServerCheck
{
    Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken);
}

public enum CheckStatus
{
    Ok,
    Warning,
    Failed,
}

/// <summary>One line of the <c>--check</c> verdict. Messages name the setting to fix, never a secret.</summary>
public sealed record CheckResult(string Name, CheckStatus Status, string Message);
