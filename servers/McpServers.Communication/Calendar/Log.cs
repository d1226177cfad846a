using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Calendar;

/// <summary>Source-generated log messages of the calendar part. Never log invitation texts, names or addresses.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "The store of sent invitations cannot be read")]
    public static partial void StoreUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Pruned {Count} oldest sent invitations (Calendar:MaxStoredInvitations is {Capacity})")]
    public static partial void InvitationsPruned(ILogger logger, int count, int capacity);

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "An invitation was sent but could not be remembered in the store")]
    public static partial void StoreWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "The address book (Calendar:AddressBook) cannot be read: {Reason}")]
    public static partial void AddressBookUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Address book line {Line} is not 'name,address' and is skipped")]
    public static partial void AddressBookLineSkipped(ILogger logger, int line);
}
