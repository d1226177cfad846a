using System.Text;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Hosting;

/// <summary>The <c>--help</c> page: common switches, the server's own switches and settings, and where settings come from.</summary>
internal static class HelpText
{
    internal static readonly SettingHelp[] CommonSettings =
    [
        new("Policy:ReadOnly", "Serve read-only tools only; write tools are hidden and refused.", "true"),
        new("Policy:Tools", "Comma-separated allowlist of tools (empty: all).", ""),
        new("Policy:ExcludeTools", "Comma-separated tools never served.", ""),
        new("Policy:ApprovedTools", "Approved --print-tools manifest; the server refuses to start when its tools differ (--approved-tools).", ""),
        new("RateLimits:ReadPerMinute", "Calls per minute per read-only tool.", "120"),
        new("RateLimits:WritePerMinute", "Calls per minute per write tool.", "10"),
        new("RateLimits:Tools:<tool>", "Calls per minute for one tool.", null),
        new("Confirmation:Require", "Comma-separated tools that need a human's confirmation.", ""),
        new("Confirmation:Disable", "Comma-separated tools whose default confirmation is turned off.", ""),
        new("Confirmation:RequireElicitation", "Comma-separated tools the user must confirm in the client (elicitation); no token path.", ""),
        new("Confirmation:AllowToken", "Comma-separated elicitation-only tools that clients without elicitation may confirm by the preview token (relayed by the model).", ""),
        new("Confirmation:TokenLifetime", "How long a confirmation token is valid.", "00:05:00"),
        new("Concurrency:MaxCalls", "Calls running at once on the server; more wait, then are refused as busy.", "8"),
        new("Concurrency:MaxCallsPerTool", "Calls of one tool running at once.", "4"),
        new("Concurrency:QueueTimeout", "How long a call waits for a free slot before it is refused as busy.", "00:00:05"),
        new("Audit:Path", "Audit log file, rolled daily and by size; the date goes before the extension (X.jsonl is written as X20261130.jsonl); '-' for stderr.", "<local app data>/McpServers/audit/<server>-<date>.jsonl"),
        new("Audit:FileSizeLimitBytes", "An audit file that reaches this size is closed and the next one started.", "104857600"),
        new("Audit:RetainedFiles", "Audit files kept; the oldest are deleted.", "90"),
        new("Audit:MaxValueChars", "Argument values longer than this are cut in the audit line.", "256"),
        new("Service:Url", "HTTP mode: where to listen (--http).", null),
        new("Service:Resource", "HTTP mode: this server's resource URI as clients reach it (the audience access tokens must carry).", "<Service:Url>/mcp"),
        new("Service:Issuer", "HTTP mode: the OAuth 2.1 authorization server whose JWT access tokens are accepted (https; http only on loopback).", null),
        new("Service:ApiKeys:<name>:Sha256|Scopes|Expires", "HTTP mode: a static API key for a service caller: SHA-256 (hex) of the key, scopes (mcp:read, mcp:write), expiry date.", null),
        new("Service:RedisConnectionString", "HTTP mode: Redis shared by replicas (cursor key, confirmation tokens, rate limits); without it, one replica keeps them in memory.", null) { Secret = true },
        new("Service:BackendIdentity", "HTTP mode (required): Shared (the server's one backend credential for every caller; audited as such) or PerUser (each caller links their own account in a browser).", null),
        new("Service:SignInEncryptionKey", "HTTP mode, PerUser: base64 256-bit key encrypting the stored sign-ins (required with Redis; same on every replica).", null) { Secret = true },
        new("Service:ClockSkew", "HTTP mode: tolerated clock difference for token expiry.", "00:00:30"),
        new("Service:MaxRequestBytes", "HTTP mode: largest request body.", "4194304"),
        new("Service:MaxRequestsPerCaller", "HTTP mode: requests one caller may have in flight per replica (more: 429).", "8"),
        new("Service:TrustedProxies", "HTTP mode: comma-separated proxy IPs whose X-Forwarded-For/-Proto are believed.", ""),
        new("Service:CertificateFile", "HTTP mode: PEM certificate for an https address (or terminate TLS at a proxy).", null),
        new("Service:CertificateKeyFile", "HTTP mode: PEM private key of Service:CertificateFile.", null),
        new("Service:OtlpEndpoint", "HTTP mode: OTLP/HTTP collector base URL for traces and metrics (calls, outcomes, latency per tool, refusals).", null),
        new("Service:ShutdownTimeout", "HTTP mode: how long a stop waits for calls in flight.", "00:00:30"),
        new("Logging:Level", "Diagnostic log level on stderr (Trace, Debug, Information, Warning, Error).", "Information"),
    ];

    public static string For(ServerIdentity identity, bool signIn = false)
    {
        var text = new StringBuilder();
        text.AppendLine($"{identity.Name} {identity.Version} — {identity.Title}");
        text.AppendLine();
        text.AppendLine(identity.Description);
        text.AppendLine();
        text.AppendLine($"Usage: {identity.Name} [options]");
        if (signIn)
        {
            text.AppendLine($"       {identity.Name} login|logout|whoami [options]");
        }

        text.AppendLine("Speaks MCP over stdin/stdout; add it to a client (e.g. claude mcp add) rather than running it in a terminal.");
        if (signIn)
        {
            text.AppendLine();
            text.AppendLine("Sign-in (output on stderr; never a token):");
            foreach (var (usage, help) in SignInVerb.Help)
            {
                text.AppendLine($"  {usage,-26} {help}");
            }
        }
        text.AppendLine();
        text.AppendLine("Options:");
        foreach (var (name, help) in CommandLine.CommonSwitches)
        {
            text.AppendLine($"  {name,-26} {help}");
        }

        foreach (ServerSwitch s in identity.Switches)
        {
            string name = s.ValueName is null ? s.Name : $"{s.Name} <{s.ValueName}>";
            text.AppendLine($"  {name,-26} {s.Help}");
        }

        text.AppendLine();
        text.AppendLine($"Settings: environment {identity.EnvironmentPrefix}<Key> (nest with __, e.g. {identity.EnvironmentPrefix}Policy__ReadOnly),");
        text.AppendLine("--set Key=Value, or the --config JSON file. Any environment setting X can instead be read from a file named by X_FILE.");
        text.AppendLine("Secret settings are accepted only from the environment or a _FILE, never from the command line or a --config file.");
        AppendSettings(text, identity.Settings);
        text.AppendLine();
        text.AppendLine("Common settings:");
        AppendSettings(text, CommonSettings);
        text.AppendLine();
        text.AppendLine("The tool set (--print-tools) depends on Policy:ReadOnly, Policy:Tools, Policy:ExcludeTools and Confirmation:Require/Disable" +
            (identity.ToolSetSettings.Count > 0 ? $", and on {string.Join(", ", identity.ToolSetSettings)}." : "; not on the backend or credentials."));
        text.AppendLine("Unknown setting keys (command line, environment, --config file) are refused, with the closest valid name.");
        text.AppendLine($"Administrators: keys set in {MachinePolicy.PathFor(identity.Name, identity.MachinePolicyDirectory)} (machine policy, no secrets) win over all of these.");
        if (identity.EnvironmentAliases.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Also read from (and from NAME_FILE):");
            foreach (EnvironmentAlias alias in identity.EnvironmentAliases)
            {
                text.AppendLine($"  {alias.Variable,-26} -> {alias.ConfigKey}");
            }
        }

        return text.ToString();
    }

    /// <summary>The server's tool-set settings with whether each is set, for the note <c>--print-tools</c> writes to stderr.</summary>
    public static string ToolSetSettings(ServerIdentity identity, IConfiguration configuration) =>
        string.Join(", ", identity.ToolSetSettings.Select(key =>
            configuration.GetSection(key) is { } section && (section.Value is not null || section.GetChildren().Any())
                ? $"{key} (set)"
                : $"{key} (not set)"));

    private static void AppendSettings(StringBuilder text, IEnumerable<SettingHelp> settings)
    {
        foreach (SettingHelp s in settings)
        {
            string suffix = s.Secret ? " [secret: environment or _FILE only]" : s.Default is null ? string.Empty : $" [default: {s.Default}]";
            text.AppendLine($"  {s.Key,-32} {s.Description}{suffix}");
        }
    }
}
