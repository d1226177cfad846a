using Microsoft.Extensions.Options;

namespace McpServers.Communication.Calendar;

/// <summary>Settings of calendar invitations, under <c>Calendar:</c> (environment <c>MCP_COMMUNICATION__Calendar__TimeZone</c>).</summary>
public sealed record CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>The most attendees the tool schema ever accepts; <see cref="MaxAttendees"/> may only lower it.</summary>
    public const int AttendeeCeiling = 50;

    /// <summary>IANA time zone of a start or end given without an offset when the call names none; unset: the OS's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The JSON file of the invitations this server sent; unset: <c>&lt;local app data&gt;/mcp-communication/invitations.json</c>.</summary>
    public string? StorePath { get; set; }

    /// <summary>A CSV file of <c>name,address</c> lines from which attendee names resolve (besides recent correspondents).</summary>
    public string? AddressBook { get; set; }

    /// <summary>Most attendees one invitation may have (also subject to Guards:MaxRecipients).</summary>
    public int MaxAttendees { get; set; } = 20;

    /// <summary>Length of a meeting when the call gives neither an end nor a duration.</summary>
    public int DefaultDurationMinutes { get; set; } = 60;

    /// <summary>Most invitations the store keeps; the oldest sent are pruned (and can no longer be cancelled here).</summary>
    public int MaxStoredInvitations { get; set; } = 1000;

    /// <summary>The store file: <see cref="StorePath"/>, else under the user's local application data.</summary>
    public string StoreFile()
    {
        if (!string.IsNullOrWhiteSpace(StorePath))
        {
            return Path.GetFullPath(StorePath.Trim());
        }

        string appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(appData.Length > 0 ? appData : Path.GetTempPath(), "mcp-communication", "invitations.json");
    }
}

/// <summary>Start-up checks of <see cref="CalendarOptions"/>; every problem names its setting.</summary>
public sealed class CalendarOptionsValidator : IValidateOptions<CalendarOptions>
{
    public ValidateOptionsResult Validate(string? name, CalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Range(options.MaxAttendees, nameof(options.MaxAttendees), 1, CalendarOptions.AttendeeCeiling, problems);
        Range(options.DefaultDurationMinutes, nameof(options.DefaultDurationMinutes), 5, 24 * 60, problems);
        Range(options.MaxStoredInvitations, nameof(options.MaxStoredInvitations), 10, 100_000, problems);
        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !CalendarZones.TryFind(options.TimeZone.Trim(), out _))
        {
            problems.Add($"Calendar:TimeZone '{options.TimeZone}' is not an IANA time zone known to this machine, e.g. Europe/Berlin or America/New_York.");
        }

        if (!string.IsNullOrWhiteSpace(options.AddressBook) && !File.Exists(options.AddressBook.Trim()))
        {
            problems.Add($"Calendar:AddressBook '{options.AddressBook}' is not a file: it must be a CSV file of 'name,address' lines.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Range(int value, string key, int min, int max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"Calendar:{key} must be a whole number from {min} to {max}.");
        }
    }
}
