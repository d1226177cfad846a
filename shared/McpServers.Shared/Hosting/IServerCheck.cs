namespace McpServers.Shared.Hosting;

/// <summary>
/// A check <c>--check</c> runs: reach the backend once, report what an administrator must fix. A check may throw
/// (a wrong URL, an unreachable host, a bad token are exactly what it exists to find): the host turns any exception
/// into a FAIL line, naming the setting <see cref="SettingToFix"/> gives.
/// </summary>
public interface IServerCheck
{
    Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The setting an administrator should look at when <see cref="RunAsync"/> threw <paramref name="failure"/>, e.g.
    /// <c>JIRA_PAT (Jira:PersonalAccessToken)</c> for a refused token; null when the check cannot say. Without it, the
    /// host names the server's secret settings for a refused sign-in and nothing otherwise.
    /// </summary>
    string? SettingToFix(Exception failure) => null;
}

public enum CheckStatus
{
    Ok,
    Warning,
    Failed,
}

/// <summary>One line of the <c>--check</c> verdict. Messages name the setting to fix, never a secret.</summary>
/// <param name="Name">What was checked, e.g. <c>jira</c>.</param>
/// <param name="Status">The verdict of this line.</param>
/// <param name="Message">What was found, for a person.</param>
/// <param name="Setting">The setting to fix when the line is not ok (shown as "fix: …"); null when the message says it.</param>
public sealed record CheckResult(string Name, CheckStatus Status, string Message, string? Setting = null);
