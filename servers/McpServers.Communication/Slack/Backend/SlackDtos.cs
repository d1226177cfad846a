using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Communication.Slack.Backend;

// The Slack Web API's documented response shapes (only the fields this server reads). Every method answers HTTP 200
// with "ok"; on failure "ok" is false and "error" holds a code, with "needed"/"provided" scopes for missing_scope.

internal class SlackResponse
{
    public bool Ok { get; set; }

    public string? Error { get; set; }

    public string? Needed { get; set; }

    public string? Provided { get; set; }

    public SlackResponseMetadata? ResponseMetadata { get; set; }
}

internal sealed class SlackResponseMetadata
{
    public string? NextCursor { get; set; }
}

internal sealed class SlackConversation
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public bool IsPrivate { get; set; }

    public bool IsArchived { get; set; }

    public bool IsIm { get; set; }

    public bool IsMpim { get; set; }

    public bool IsMember { get; set; }

    public int? NumMembers { get; set; }

    public SlackTopic? Topic { get; set; }

    public SlackTopic? Purpose { get; set; }
}

internal sealed class SlackTopic
{
    public string? Value { get; set; }
}

internal sealed class SlackConversationsList : SlackResponse
{
    public List<SlackConversation>? Channels { get; set; }
}

internal sealed class SlackApiMessage
{
    public string? Type { get; set; }

    public string? Subtype { get; set; }

    public string? User { get; set; }

    public string? BotId { get; set; }

    public string? Username { get; set; }

    public string? Text { get; set; }

    public string? Ts { get; set; }

    public string? ThreadTs { get; set; }

    public int? ReplyCount { get; set; }

    public string? Permalink { get; set; }

    public SlackConversation? Channel { get; set; }
}

internal sealed class SlackMessages : SlackResponse
{
    public List<SlackApiMessage>? Messages { get; set; }

    public bool HasMore { get; set; }
}

internal sealed class SlackUserInfo : SlackResponse
{
    public SlackUser? User { get; set; }
}

internal sealed class SlackUser
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? RealName { get; set; }

    public SlackProfile? Profile { get; set; }
}

internal sealed class SlackProfile
{
    public string? DisplayName { get; set; }

    public string? RealName { get; set; }
}

internal sealed class SlackSearchResponse : SlackResponse
{
    public SlackSearchMessages? Messages { get; set; }
}

internal sealed class SlackSearchMessages
{
    public int Total { get; set; }

    public List<SlackApiMessage>? Matches { get; set; }

    public SlackPaging? Paging { get; set; }
}

internal sealed class SlackPaging
{
    public int Page { get; set; }

    public int Pages { get; set; }
}

internal sealed class SlackPostResponse : SlackResponse
{
    public string? Channel { get; set; }

    public string? Ts { get; set; }
}

internal sealed class SlackAuthTest : SlackResponse
{
    public string? Team { get; set; }

    public string? User { get; set; }

    public string? TeamId { get; set; }
}

internal sealed class SlackPermalinkResponse : SlackResponse
{
    public string? Permalink { get; set; }
}

/// <summary>The body of chat.postMessage (sent as JSON).</summary>
internal sealed record SlackPostRequest(string Channel, string Text, string? ThreadTs)
{
    /// <summary>No link or media previews: a preview fetches the linked page and shows content the human never approved.</summary>
    public bool UnfurlLinks { get; init; }

    public bool UnfurlMedia { get; init; }

    /// <summary>Plain words such as @here are not turned into mentions (the text's &lt;!here&gt; forms are checked instead).</summary>
    public bool LinkNames { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackResponse))]
[JsonSerializable(typeof(SlackConversationsList))]
[JsonSerializable(typeof(SlackMessages))]
[JsonSerializable(typeof(SlackUserInfo))]
[JsonSerializable(typeof(SlackSearchResponse))]
[JsonSerializable(typeof(SlackPostResponse))]
[JsonSerializable(typeof(SlackPermalinkResponse))]
[JsonSerializable(typeof(SlackAuthTest))]
[JsonSerializable(typeof(SlackPostRequest))]
internal sealed partial class SlackJsonContext : JsonSerializerContext;
