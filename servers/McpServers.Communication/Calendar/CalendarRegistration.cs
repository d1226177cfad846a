using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication.Calendar;

/// <summary>
/// Calendar invitations (iCalendar METHOD:REQUEST / CANCEL sent by e-mail through <see cref="Email.IMailSender"/>,
/// section <c>Calendar:</c>): settings, DI registration and tools, which exist only when e-mail sending is configured.
/// </summary>
public static class CalendarRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } = [];

    /// <summary>Settings that change which calendar tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = [];

    public static IServiceCollection AddCalendar(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static ToolCatalog AddCalendarTools(this ToolCatalog catalog) => catalog;
}
