using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Calendar.Tools;
using McpServers.Communication.Email;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Calendar;

/// <summary>
/// Calendar invitations (iCalendar METHOD:REQUEST / CANCEL sent by e-mail through <see cref="Email.IMailSender"/>,
/// section <c>Calendar:</c>): settings, DI registration and tools, which exist only when e-mail sending is configured.
/// </summary>
public static class CalendarRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("Calendar:TimeZone", "IANA time zone of invitation times given without one (e.g. Europe/Berlin).", "the OS's"),
        new SettingHelp("Calendar:StorePath", "JSON file remembering the invitations this server sent, so they can be listed and cancelled after a restart (user-only permissions).",
            "<local app data>/mcp-communication/invitations.json"),
        new SettingHelp("Calendar:AddressBook", "CSV file of 'name,address' lines (e.g. Dana Scully,dana@example.com) from which attendee names resolve, besides recent correspondents."),
        new SettingHelp("Calendar:MaxAttendees", "Most attendees one invitation may have (at most 50; Guards:MaxRecipients applies too).", "20"),
        new SettingHelp("Calendar:DefaultDurationMinutes", "Length of a meeting when the call gives neither an end nor a duration.", "60"),
        new SettingHelp("Calendar:MaxStoredInvitations", "Most sent invitations remembered; the oldest are pruned and can then no longer be cancelled here.", "1000"),
    ];

    /// <summary>Settings that change which calendar tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = [];

    public static IServiceCollection AddCalendar(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSettings<CalendarOptions>(configuration, CalendarOptions.Section, new CalendarOptionsValidator())
            .Bind(configuration.GetSection(CalendarOptions.Section));
        services.AddSingleton(sp =>
        {
            CalendarOptions options = sp.GetRequiredService<CalendarOptions>();
            return new InvitationStore(options.StoreFile(), options.MaxStoredInvitations, sp.GetRequiredService<ILogger<InvitationStore>>());
        });
        services.AddSingleton(sp => new AddressBook(sp.GetRequiredService<CalendarOptions>().AddressBook, sp.GetRequiredService<ILogger<AddressBook>>()));
        services.AddSingleton(sp => new AttendeeResolver(sp.GetRequiredService<AddressBook>(), sp.GetService<ICorrespondents>()));
        services.AddSingleton<CalendarTooling>();
        return services;
    }

    /// <summary>The calendar tools, each only when e-mail sending is configured (an <see cref="IMailSender"/> is registered).</summary>
    public static ToolCatalog AddCalendarTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<SendInvitationTool>(CanSend)
            .AddWhen<UpdateInvitationTool>(CanSend)
            .AddWhen<CancelInvitationTool>(CanSend)
            .AddWhen<ListInvitationsTool>(CanSend);
    }

    private static bool CanSend(IServiceProvider services) => services.GetService<IMailSender>() is not null;
}
