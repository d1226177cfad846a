using System.Diagnostics.CodeAnalysis;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Calendar;

/// <summary>IANA time zones as invitations name them (TZID): the call's, else Calendar:TimeZone, else the OS's.</summary>
internal static class CalendarZones
{
    /// <summary>A zone by IANA id; a Windows id or an unknown name is not one.</summary>
    public static bool TryFind(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        return !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone) && zone.HasIanaId;
    }

    /// <summary>The zone and the IANA id to write: <paramref name="requested"/>, else <paramref name="configured"/>, else the OS's (UTC when it has no IANA id).</summary>
    public static (TimeZoneInfo Zone, string Id) Resolve(string? requested, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return TryFind(requested, out TimeZoneInfo? zone) ? (zone, requested)
                : throw new ToolInputException($"`time_zone` '{requested}' is not an IANA time zone id known here; use one like Europe/Berlin, America/New_York or UTC.");
        }

        if (!string.IsNullOrWhiteSpace(configured) && TryFind(configured.Trim(), out TimeZoneInfo? configuredZone))
        {
            return (configuredZone, configured.Trim());
        }

        TimeZoneInfo local = TimeZoneInfo.Local;
        if (local.HasIanaId && TryFind(local.Id, out TimeZoneInfo? os))
        {
            return (os, local.Id);
        }

        return TimeZoneInfo.TryConvertWindowsIdToIanaId(local.Id, out string? iana) && TryFind(iana, out TimeZoneInfo? converted)
            ? (converted, iana)
            : (TimeZoneInfo.Utc, "UTC");
    }
}
