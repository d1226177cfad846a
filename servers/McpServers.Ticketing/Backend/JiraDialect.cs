using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Ticketing.Backend;

/// <summary>What differs between Jira Cloud and Data Center: API version, rich-text format, paging and user references.</summary>
internal abstract class JiraDialect
{
    public static readonly JiraDialect Cloud = new CloudDialect();
    public static readonly JiraDialect DataCenter = new DataCenterDialect();

    public abstract string Name { get; }

    /// <summary><c>rest/api/3/</c> or <c>rest/api/2/</c>.</summary>
    public abstract string Api { get; }

    public abstract string SearchPath { get; }

    /// <summary>The paginated project search, where there is one (Cloud); Data Center lists all projects at <c>project</c>.</summary>
    public abstract string? ProjectSearchPath { get; }

    /// <summary>The JQL parse endpoint, where there is one (Cloud).</summary>
    public abstract string? ParsePath { get; }

    /// <summary>A rich-text field value for a write: an ADF document or a wiki-markup string.</summary>
    public abstract JsonNode Body(string markdown);

    public abstract string ToMarkdown(JsonElement body);

    /// <summary>A user reference for assignee fields; null unassigns.</summary>
    public abstract JsonObject User(string? id);

    public abstract string? UserId(JiraUser user);

    public abstract JiraSearchRequest SearchRequest(string jql, int maxResults, IReadOnlyList<string> fields, string? position);

    /// <summary>The position of the next page, or null when this page was the last.</summary>
    public abstract string? NextPosition(JiraSearchResponse response, string? position, int count);

    private sealed class CloudDialect : JiraDialect
    {
        public override string Name => "Cloud";

        public override string Api => "rest/api/3/";

        // The enhanced search endpoint; /rest/api/3/search (startAt) is deprecated on Cloud.
        public override string SearchPath => "rest/api/3/search/jql";

        // "Get projects paginated"; the un-paginated GET /rest/api/3/project is deprecated on Cloud.
        public override string? ProjectSearchPath => "rest/api/3/project/search";

        public override string? ParsePath => "rest/api/3/jql/parse?validation=strict";

        public override JsonNode Body(string markdown) => Adf.FromMarkdown(markdown);

        public override string ToMarkdown(JsonElement body) => body.ValueKind switch
        {
            JsonValueKind.Object => Adf.ToMarkdown(body),
            JsonValueKind.String => body.GetString()!,
            _ => "",
        };

        public override JsonObject User(string? id) => new() { ["accountId"] = id };

        public override string? UserId(JiraUser user) => user.AccountId;

        public override JiraSearchRequest SearchRequest(string jql, int maxResults, IReadOnlyList<string> fields, string? position) =>
            new(jql, maxResults, fields, position, null);

        public override string? NextPosition(JiraSearchResponse response, string? position, int count) =>
            response.IsLast == true || string.IsNullOrEmpty(response.NextPageToken) ? null : response.NextPageToken;
    }

    private sealed class DataCenterDialect : JiraDialect
    {
        public override string Name => "Data Center";

        public override string Api => "rest/api/2/";

        public override string SearchPath => "rest/api/2/search";

        public override string? ProjectSearchPath => null;

        public override string? ParsePath => null;

        public override JsonNode Body(string markdown) => JsonValue.Create(WikiMarkup.FromMarkdown(markdown));

        public override string ToMarkdown(JsonElement body) =>
            body.ValueKind == JsonValueKind.String ? WikiMarkup.ToMarkdown(body.GetString()!) : "";

        public override JsonObject User(string? id) => new() { ["name"] = id };

        public override string? UserId(JiraUser user) => user.Name;

        public override JiraSearchRequest SearchRequest(string jql, int maxResults, IReadOnlyList<string> fields, string? position) =>
            new(jql, maxResults, fields, null, position is null ? 0 : int.Parse(position, System.Globalization.CultureInfo.InvariantCulture));

        public override string? NextPosition(JiraSearchResponse response, string? position, int count)
        {
            int start = response.StartAt ?? 0;
            int next = start + count;
            return count > 0 && response.Total is { } total && next < total ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }
    }
}
