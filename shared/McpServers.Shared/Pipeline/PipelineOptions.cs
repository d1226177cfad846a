namespace McpServers.Shared.Pipeline;

/// <summary>Which tools a server exposes (section <c>Policy</c>). Precedence: read-only &gt; exclude &gt; include.</summary>
public sealed class PolicyOptions
{
    /// <summary>Read-only is the default: tools that are not read-only are hidden and refused at call time.</summary>
    public bool ReadOnly { get; set; } = true;

    /// <summary>Allowlist of tool names (a list setting, see <see cref="Hosting.SettingList"/>); empty means every tool.</summary>
    public IReadOnlyList<string> Tools { get; set; } = [];

    /// <summary>Tool names never to serve.</summary>
    public IReadOnlyList<string> ExcludeTools { get; set; } = [];

    /// <summary>An approved <c>--print-tools</c> manifest: the server refuses to start when its tools/list differs (<c>--approved-tools</c>).</summary>
    public string? ApprovedTools { get; set; }

    internal static IReadOnlySet<string> Names(IReadOnlyList<string> tools) => tools.ToHashSet(StringComparer.Ordinal);
}

/// <summary>Token buckets per tool (section <c>RateLimits</c>). Write tools get a conservative default.</summary>
public sealed class RateLimitOptions
{
    public int ReadPerMinute { get; set; } = 120;

    public int WritePerMinute { get; set; } = 10;

    /// <summary>Per-tool overrides, calls per minute: <c>RateLimits:Tools:jira_create_issue=5</c>.</summary>
    public Dictionary<string, int> Tools { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Human confirmation of tools that change the outside world (section <c>Confirmation</c>).</summary>
public sealed class ConfirmationOptions
{
    /// <summary>Tools that need confirmation in addition to those marked by their authors.</summary>
    public IReadOnlyList<string> Require { get; set; } = [];

    /// <summary>Tools whose author-default confirmation the administrator turns off.</summary>
    public IReadOnlyList<string> Disable { get; set; } = [];

    /// <summary>
    /// Tools that may only be confirmed by the user through the client (elicitation), never by a
    /// token the model passes back. Implies confirmation. Clients without elicitation are refused for these tools.
    /// </summary>
    public IReadOnlyList<string> RequireElicitation { get; set; } = [];

    /// <summary>
    /// Tools whose author made them elicitation-only (<see cref="RequiresConfirmationAttribute.ElicitationOnly"/>) that
    /// the administrator lets clients without elicitation confirm by the preview token, knowingly: the model relays that
    /// confirmation, so a prompt-injected model could confirm its own call.
    /// </summary>
    public IReadOnlyList<string> AllowToken { get; set; } = [];

    /// <summary>How long a confirmation token stays valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Caps on calls running at the same time (section <c>Concurrency</c>), so one client cannot take every connection
/// a backend has. A call over a cap waits up to <see cref="QueueTimeout"/>, then is refused as busy.
/// </summary>
public sealed class ConcurrencyOptions
{
    /// <summary>Calls running at once on the whole server. Backends size their connection pools to at least this.</summary>
    public int MaxCalls { get; set; } = 8;

    /// <summary>Calls of one tool running at once.</summary>
    public int MaxCallsPerTool { get; set; } = 4;

    /// <summary>How long a call waits for a free slot before it is refused; zero refuses at once.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Where audit events go (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>
    /// Audit file path; <c>-</c> for stderr; empty for the default location. Files roll daily and by size, and
    /// the date (plus <c>_001</c>, <c>_002</c>… after a size roll) goes before the extension:
    /// <c>audit.jsonl</c> is written as <c>audit20261130.jsonl</c>, <c>audit-.jsonl</c> as <c>audit-20261130.jsonl</c>.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Argument values longer than this are cut in the audit line.</summary>
    public int MaxValueChars { get; set; } = 256;

    /// <summary>Rolled files kept (the oldest are deleted first).</summary>
    public int RetainedFiles { get; set; } = 90;

    /// <summary>A file that reaches this size is closed and the next one (<c>_001</c>, …) started.</summary>
    public long FileSizeLimitBytes { get; set; } = 100L * 1024 * 1024;
}
