using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace McpServers.Ticketing.Backend;

// Jira REST response shapes, only the fields this server reads ("The Jira Cloud platform REST API v3" and
// "Jira Server platform REST API 2", developer.atlassian.com). Bodies are JsonElement: ADF objects on Cloud, strings on DC.

// Fields that are only displayed are read with Lenient<T>: a value of an unexpected type (a custom field scheme, a
// proxy, a hostile server) drops that one field instead of failing the whole search or issue.

internal sealed record JiraIssue(
    [property: JsonConverter(typeof(Lenient<string>))] string? Key,
    [property: JsonConverter(typeof(Lenient<JiraFields>))] JiraFields? Fields);

internal sealed record JiraFields(
    [property: JsonConverter(typeof(Lenient<string>))] string? Summary,
    [property: JsonConverter(typeof(Lenient<JiraStatus>))] JiraStatus? Status,
    [property: JsonPropertyName("issuetype"), JsonConverter(typeof(Lenient<JiraNamed>))] JiraNamed? IssueType,
    [property: JsonConverter(typeof(Lenient<JiraNamed>))] JiraNamed? Priority,
    [property: JsonConverter(typeof(Lenient<JiraUser>))] JiraUser? Assignee,
    [property: JsonConverter(typeof(Lenient<JiraUser>))] JiraUser? Reporter,
    [property: JsonConverter(typeof(Lenient<string>))] string? Created,
    [property: JsonConverter(typeof(Lenient<string>))] string? Updated,
    [property: JsonConverter(typeof(Lenient<IReadOnlyList<string>>))] IReadOnlyList<string>? Labels,
    JsonElement? Description,
    [property: JsonConverter(typeof(Lenient<JiraProject>))] JiraProject? Project,
    [property: JsonConverter(typeof(Lenient<IReadOnlyList<JiraIssueRef>>))] IReadOnlyList<JiraIssueRef>? Subtasks,
    [property: JsonPropertyName("issuelinks"), JsonConverter(typeof(Lenient<IReadOnlyList<JiraIssueLink>>))] IReadOnlyList<JiraIssueLink>? IssueLinks,
    [property: JsonConverter(typeof(Lenient<JiraIssueRef>))] JiraIssueRef? Parent);

/// <summary>
/// A related issue (parent, subtask, linked issue): its key, summary and status, nothing below. Jira nests full
/// issues here; whatever they hold (their own parent, subtasks, links) is skipped by the reader, never materialized,
/// so a chain of parents costs one pass over the bytes however deep it goes.
/// </summary>
internal sealed record JiraIssueRef(
    [property: JsonConverter(typeof(Lenient<string>))] string? Key,
    [property: JsonConverter(typeof(Lenient<JiraIssueRefFields>))] JiraIssueRefFields? Fields);

internal sealed record JiraIssueRefFields(
    [property: JsonConverter(typeof(Lenient<string>))] string? Summary,
    [property: JsonConverter(typeof(Lenient<JiraStatus>))] JiraStatus? Status);

internal sealed record JiraNamed(string? Id, string? Name);

internal sealed record JiraStatus(string? Name, JiraStatusCategory? StatusCategory);

internal sealed record JiraStatusCategory(string? Key, string? Name);

internal sealed record JiraUser(string? AccountId, string? Name, string? Key, string? DisplayName, string? EmailAddress);

internal sealed record JiraIssueLink(JiraLinkType? Type, JiraIssueRef? InwardIssue, JiraIssueRef? OutwardIssue);

internal sealed record JiraLinkType(string? Name, string? Inward, string? Outward);

internal sealed record JiraProject(string? Id, string? Key, string? Name, string? ProjectTypeKey);

/// <summary>Cloud "Get projects paginated" (<c>/rest/api/3/project/search</c>).</summary>
internal sealed record JiraProjectPage(IReadOnlyList<JiraProject>? Values, bool? IsLast, int? StartAt, int? MaxResults, long? Total);

/// <summary>Cloud <c>/search/jql</c> (nextPageToken, isLast) and DC <c>/search</c> (startAt, total) in one shape.</summary>
internal sealed record JiraSearchResponse(IReadOnlyList<JiraIssue>? Issues, string? NextPageToken, bool? IsLast, int? StartAt, int? Total);

internal sealed record JiraCommentPage(IReadOnlyList<JiraComment>? Comments, int? Total);

internal sealed record JiraComment(
    string? Id,
    [property: JsonConverter(typeof(Lenient<JiraUser>))] JiraUser? Author,
    JsonElement? Body,
    [property: JsonConverter(typeof(Lenient<string>))] string? Created);

internal sealed record JiraTransitions(IReadOnlyList<JiraTransition>? Transitions);

internal sealed record JiraTransition(
    [property: JsonConverter(typeof(Lenient<string>))] string? Id,
    [property: JsonConverter(typeof(Lenient<string>))] string? Name,
    [property: JsonConverter(typeof(Lenient<JiraStatus>))] JiraStatus? To);

internal sealed record JiraServerInfo(string? DeploymentType, string? Version, string? BaseUrl);

/// <summary>One site an Atlassian OAuth token may reach (<c>GET /oauth/token/accessible-resources</c>).</summary>
internal sealed record AtlassianResource(string? Id, string? Url, string? Name);

internal sealed record JiraCreated(string? Id, string? Key);

/// <summary>Jira's error body: general messages plus messages per field.</summary>
internal sealed record JiraErrorBody(IReadOnlyList<string>? ErrorMessages, IReadOnlyDictionary<string, string>? Errors);

internal sealed record JiraParseResponse(IReadOnlyList<JiraParsedQuery>? Queries);

internal sealed record JiraParsedQuery(string? Query, IReadOnlyList<string>? Errors);

internal sealed record JiraSearchRequest(string Jql, int MaxResults, IReadOnlyList<string> Fields, string? NextPageToken, int? StartAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<AtlassianResource>))]
[JsonSerializable(typeof(JiraIssue))]
[JsonSerializable(typeof(JiraSearchResponse))]
[JsonSerializable(typeof(JiraCommentPage))]
[JsonSerializable(typeof(JiraTransitions))]
[JsonSerializable(typeof(IReadOnlyList<JiraProject>))]
[JsonSerializable(typeof(JiraProjectPage))]
[JsonSerializable(typeof(JiraServerInfo))]
[JsonSerializable(typeof(JiraCreated))]
[JsonSerializable(typeof(JiraUser))]
[JsonSerializable(typeof(JiraErrorBody))]
[JsonSerializable(typeof(JiraSearchRequest))]
[JsonSerializable(typeof(JiraParseResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class JiraJsonContext : JsonSerializerContext;

/// <summary>
/// Reads a value as <typeparamref name="T"/>, or as null when Jira sent something of another shape. The value is
/// read from a copy of the reader (a struct), not from a copied document: on a mismatch the original reader skips the
/// value, so nothing is buffered twice and nesting does not multiply the cost.
/// </summary>
internal sealed class Lenient<T> : JsonConverter<T>
    where T : class
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Utf8JsonReader copy = reader;
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(ref copy, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
        }
        catch (JsonException)
        {
            // The serializer reads ahead to the end of a custom converter's value, so the whole value is buffered.
            if (!reader.TrySkip())
            {
                throw;
            }

            return null;
        }

        reader = copy;
        return value;
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
}
