using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Communication.Guards;

/// <summary>
/// The write guards of every send tool, under <c>Guards:</c> (environment <c>MCP_COMMUNICATION__Guards__MaxPerHour</c>).
/// Each send counts against its tool's caps (<see cref="Tools"/>) and the total caps of every send tool together.
/// </summary>
public sealed record GuardOptions
{
    public const string Section = "Guards";

    /// <summary>
    /// Recipient domains e-mail and invitations may go to: <c>example.com</c> (that domain exactly) or <c>*.example.com</c>
    /// (its subdomains, not the domain itself). Empty: every e-mail and invitation send is refused.
    /// </summary>
    public IReadOnlyList<string> AllowedRecipientDomains { get; set; } = [];

    /// <summary>The organisation's own domains (same forms); sends only to them skip confirmation when <see cref="ConfirmInternal"/> is false.</summary>
    public IReadOnlyList<string> InternalDomains { get; set; } = [];

    /// <summary>Ask the user to confirm sends whose recipients are all internal, too.</summary>
    public bool ConfirmInternal { get; set; } = true;

    /// <summary>Allow blind copies (hidden from the other recipients, so off unless an administrator wants them).</summary>
    public bool AllowBcc { get; set; }

    /// <summary>To, Cc and Bcc of one message together at most.</summary>
    public int MaxRecipients { get; set; } = 20;

    /// <summary>The audit line names only the recipients' domains, not their addresses.</summary>
    public bool AuditDomainsOnly { get; set; }

    /// <summary>Sends by all send tools together in any 60 minutes.</summary>
    public int MaxPerHour { get; set; } = 20;

    /// <summary>Sends by all send tools together in any 24 hours.</summary>
    public int MaxPerDay { get; set; } = 100;

    /// <summary>Caps of one send tool, by tool name: <c>Guards:Tools:email_send:PerHour</c>, <c>…:PerDay</c>.</summary>
    public Dictionary<string, ToolCaps> Tools { get; set; } = [];

    /// <summary>The send ledger; unset: <c>&lt;local app data&gt;/mcp-communication/sends.json</c>.</summary>
    public string? StorePath { get; set; }

    private DomainList _allowedDomains = DomainList.Empty;
    private DomainList _internalDomains = DomainList.Empty;

    /// <summary>Reads and checks the options as the server does; a <see cref="ConfigurationException"/> names every setting to fix.</summary>
    public static GuardOptions FromConfiguration(IConfiguration configuration)
    {
        using ServiceProvider services = new ServiceCollection().AddGuardOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<GuardOptions>();
    }

    /// <summary>The ledger file: <see cref="StorePath"/>, or one per OS user under the local app data folder.</summary>
    public string LedgerFile()
    {
        if (!string.IsNullOrWhiteSpace(StorePath))
        {
            return Path.GetFullPath(StorePath);
        }

        string appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(appData.Length > 0 ? appData : Path.GetTempPath(), "mcp-communication", "sends.json");
    }

    /// <summary>The parsed <see cref="AllowedRecipientDomains"/>, set after binding.</summary>
    internal DomainList Allowed() => _allowedDomains;

    /// <summary>The parsed <see cref="InternalDomains"/>, set after binding.</summary>
    internal DomainList Internal() => _internalDomains;

    /// <summary>The caps of <paramref name="tool"/>, if an administrator set any.</summary>
    internal ToolCaps? CapsOf(string tool) =>
        Tools.FirstOrDefault(t => string.Equals(t.Key, tool, StringComparison.OrdinalIgnoreCase)).Value;

    internal void Complete(IConfiguration guards)
    {
        AllowedRecipientDomains = SettingList.Parse(guards, nameof(AllowedRecipientDomains)) ?? [];
        InternalDomains = SettingList.Parse(guards, nameof(InternalDomains)) ?? [];
        StorePath = string.IsNullOrWhiteSpace(StorePath) ? null : StorePath.Trim();
        _allowedDomains = DomainList.Parse(AllowedRecipientDomains);
        _internalDomains = DomainList.Parse(InternalDomains);
    }
}

/// <summary>One send tool's own caps (<c>Guards:Tools:&lt;tool&gt;:PerHour|PerDay</c>); unset: only the total caps apply.</summary>
public sealed record ToolCaps
{
    public int? PerHour { get; set; }

    public int? PerDay { get; set; }
}

/// <summary>Start-up checks of <see cref="GuardOptions"/>: every problem names the setting to fix.</summary>
public sealed class GuardOptionsValidator : IValidateOptions<GuardOptions>
{
    /// <summary>No cap may be set above this: a runaway model must not be able to mass-mail.</summary>
    public const int CapCeiling = 10_000;

    public ValidateOptionsResult Validate(string? name, GuardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Domains(options.AllowedRecipientDomains, nameof(options.AllowedRecipientDomains), problems);
        Domains(options.InternalDomains, nameof(options.InternalDomains), problems);
        Range(options.MaxRecipients, "Guards:MaxRecipients", 1, 500, problems);
        Range(options.MaxPerHour, "Guards:MaxPerHour", 1, CapCeiling, problems);
        Range(options.MaxPerDay, "Guards:MaxPerDay", 1, CapCeiling, problems);
        foreach ((string tool, ToolCaps caps) in options.Tools)
        {
            if (!SendGuard.SendTools.Contains(tool, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"Guards:Tools:{tool} is not a send tool; caps can be set for {string.Join(", ", SendGuard.SendTools)}.");
                continue;
            }

            if (caps.PerHour is { } hour)
            {
                Range(hour, $"Guards:Tools:{tool}:PerHour", 0, CapCeiling, problems);
            }

            if (caps.PerDay is { } day)
            {
                Range(day, $"Guards:Tools:{tool}:PerDay", 0, CapCeiling, problems);
            }
        }

        if (options.StorePath is { } store && !Path.IsPathFullyQualified(store))
        {
            problems.Add("Guards:StorePath must be an absolute file path.");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-communication --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Domains(IReadOnlyList<string> entries, string key, List<string> problems)
    {
        foreach (string entry in entries)
        {
            if (DomainList.ParseEntry(entry) is null)
            {
                problems.Add($"Guards:{key}: '{entry}' is not a domain; write example.com or *.example.com (its subdomains).");
            }
        }
    }

    private static void Range(int value, string key, int min, int max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"{key} must be a whole number from {min} to {max}.");
        }
    }
}

public static class GuardOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Guards</c> into <see cref="GuardOptions"/>, checked at start.</summary>
    public static IServiceCollection AddGuardOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection guards = configuration.GetSection(GuardOptions.Section);
        services.AddSettings<GuardOptions>(configuration, GuardOptions.Section, new GuardOptionsValidator()).Bind(guards)
            .PostConfigure(o => o.Complete(guards));
        return services;
    }
}
