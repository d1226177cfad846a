using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Ticketing.Backend;

// Jira REST response shapes, only the fields this server reads ("The Jira Cloud platform REST API v3" and
// "Jira Server platform REST API 2", developer.atlassian.com). Bodies are JsonElement: ADF objects on Cloud, strings on DC.

internal sealed record JiraIssue(string Key, JiraFields? Fields);

internal sealed record JiraFields(
    string? Summary,
    JiraStatus? Status,
    [property: JsonPropertyName("issuetype")] JiraNamed? IssueType,
    JiraNamed? Priority,
    JiraUser? Assignee,
    JiraUser? Reporter,
    string? Created,
    string? Updated,
    IReadOnlyList<string>? Labels,
    JsonElement? Description,
    JiraProject? Project,
    IReadOnlyList<JiraIssue>? Subtasks,
    [property: JsonPropertyName("issuelinks")] IReadOnlyList<JiraIssueLink>? IssueLinks,
    JiraIssue? Parent);

internal sealed record JiraNamed(string? Id, string? Name);

internal sealed record JiraStatus(string? Name, JiraStatusCategory? StatusCategory);

internal sealed record JiraStatusCategory(string? Key, string? Name);

internal sealed record JiraUser(string? AccountId, string? Name, string? Key, string? DisplayName, string? EmailAddress);

internal sealed record JiraIssueLink(JiraLinkType? Type, JiraIssue? InwardIssue, JiraIssue? OutwardIssue);

internal sealed record JiraLinkType(string? Name, string? Inward, string? Outward);

internal sealed record JiraProject(string? Id, string Key, string? Name, string? ProjectTypeKey);

/// <summary>Cloud <c>/search/jql</c> (nextPageToken, isLast) and DC <c>/search</c> (startAt, total) in one shape.</summary>
internal sealed record JiraSearchResponse(IReadOnlyList<JiraIssue>? Issues, string? NextPageToken, bool? IsLast, int? StartAt, int? Total);

internal sealed record JiraCommentPage(IReadOnlyList<JiraComment>? Comments, int? Total);

internal sealed record JiraComment(string? Id, JiraUser? Author, JsonElement? Body, string? Created);

internal sealed record JiraTransitions(IReadOnlyList<JiraTransition>? Transitions);

internal sealed record JiraTransition(string Id, string Name, JiraStatus? To);

internal sealed record JiraServerInfo(string? DeploymentType, string? Version);

internal sealed record JiraCreated(string? Id, string Key);

/// <summary>Jira's error body: general messages plus messages per field.</summary>
internal sealed record JiraErrorBody(IReadOnlyList<string>? ErrorMessages, IReadOnlyDictionary<string, string>? Errors);

internal sealed record JiraParseResponse(IReadOnlyList<JiraParsedQuery>? Queries);

internal sealed record JiraParsedQuery(string? Query, IReadOnlyList<string>? Errors);

internal sealed record JiraSearchRequest(string Jql, int MaxResults, IReadOnlyList<string> Fields, string? NextPageToken, int? StartAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JiraIssue))]
[JsonSerializable(typeof(JiraSearchResponse))]
[JsonSerializable(typeof(JiraCommentPage))]
[JsonSerializable(typeof(JiraTransitions))]
[JsonSerializable(typeof(IReadOnlyList<JiraProject>))]
[JsonSerializable(typeof(JiraServerInfo))]
[JsonSerializable(typeof(JiraCreated))]
[JsonSerializable(typeof(JiraUser))]
[JsonSerializable(typeof(JiraErrorBody))]
[JsonSerializable(typeof(JiraSearchRequest))]
[JsonSerializable(typeof(JiraParseResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class JiraJsonContext : JsonSerializerContext;
