using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Text;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// Reads Salesforce records (REST query results) into the gateway's records. Salesforce is untrusted here: ids are kept
/// only when they have the shape of one, text is cleaned of control and bidi characters and capped, currency codes
/// are kept only when they look like ISO 4217, and a record without a valid id is dropped.
/// </summary>
internal static class SalesforceRecords
{
    /// <summary>Who-ids (contacts 003, leads 00Q) go in WhoId; everything else (accounts, opportunities…) in WhatId.
    /// Key prefixes of standard objects are the same in every org.</summary>
    private static readonly string[] WhoPrefixes = ["003", "00Q"];

    internal const int MaxNameChars = 255;
    internal const int MaxPicklistValues = 100;

    internal static AccountSummary? Account(JsonElement r, string? orgCurrency, Uri root) =>
        Id(r) is { } id
            ? new AccountSummary(id, Line(Str(r, "Name")), Optional(Str(r, "Industry")), Optional(Str(r, "Type")), Optional(Str(r, "BillingCountry")),
                Number(r, "AnnualRevenue") is { } revenue ? new Money(revenue, Currency(Str(r, "CurrencyIsoCode")) ?? orgCurrency) : null,
                Owner(r), RecordUrl(root, SalesforceObjects.Account, id))
            : null;

    internal static ContactSummary? Contact(JsonElement r, Uri root) =>
        Id(r) is { } id
            ? new ContactSummary(id, Line(Str(r, "Name")), Optional(Str(r, "Title")), Optional(Str(r, "Email")), Optional(Str(r, "Phone")),
                SalesforceId.TryParse(Str(r, "AccountId"), out string? account) ? account : null, Optional(RelatedName(r, "Account")), Owner(r),
                RecordUrl(root, SalesforceObjects.Contact, id))
            : null;

    internal static OpportunitySummary? Opportunity(JsonElement r, string? orgCurrency, Uri root) =>
        Id(r) is { } id
            ? new OpportunitySummary(id, Line(Str(r, "Name")), Optional(Str(r, "StageName")),
                Bool(r, "IsWon") == true ? "won" : Bool(r, "IsClosed") == true ? "lost" : "open",
                Number(r, "Amount") is { } amount ? new Money(amount, Currency(Str(r, "CurrencyIsoCode")) ?? orgCurrency) : null,
                Optional(Str(r, "CloseDate")), SalesforceId.TryParse(Str(r, "AccountId"), out string? account) ? account : null,
                Optional(RelatedName(r, "Account")), Owner(r), RecordUrl(root, SalesforceObjects.Opportunity, id))
            : null;

    internal static (string, ActivityInfo)? TaskActivity(JsonElement r, int maxTextChars)
    {
        if (Id(r) is not { } id)
        {
            return null;
        }

        string kind = Str(r, "TaskSubtype") switch
        {
            "Call" => "call",
            "Email" => "email",
            _ => "task",
        };
        string? when = Optional(Str(r, "ActivityDate") ?? Str(r, "CreatedDate"));
        return (when ?? "", new ActivityInfo(id, kind, Optional(Str(r, "Subject")), Optional(Str(r, "Status")), when, Owner(r), Body(Str(r, "Description"), maxTextChars)));
    }

    internal static (string, ActivityInfo)? EventActivity(JsonElement r, int maxTextChars)
    {
        if (Id(r) is not { } id)
        {
            return null;
        }

        string? when = Optional(Str(r, "StartDateTime") ?? Str(r, "CreatedDate"));
        return (when ?? "", new ActivityInfo(id, "meeting", Optional(Str(r, "Subject")), null, when, Owner(r), Body(Str(r, "Description"), maxTextChars)));
    }

    internal static IEnumerable<string> Picklist(SfField field) =>
        (field.PicklistValues ?? []).Where(v => v.Active && v.Value is not null).Select(v => Line(v.Value));

    internal static FieldInfo Info(SfField f, bool filterable, bool writable) =>
        new(f.Name!, Line(f.Label ?? f.Name), Line(f.Type ?? "unknown"), filterable, writable, [.. Picklist(f).Take(MaxPicklistValues)]);

    /// <summary>A field of a record as text: strings cleaned and capped, numbers and booleans invariant, null as null.</summary>
    internal static string? FieldText(JsonElement r, string field, int maxTextChars) =>
        r.TryGetProperty(field, out JsonElement v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => Body(v.GetString(), maxTextChars),
                JsonValueKind.Number => v.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;

    internal static string? Owner(JsonElement r) => Optional(RelatedName(r, "Owner")) ?? (SalesforceId.TryParse(Str(r, "OwnerId"), out string? id) ? id : null);

    internal static string? Id(JsonElement r) => SalesforceId.TryParse(Str(r, "Id"), out string? id) ? id : null;

    internal static string? Str(JsonElement r, string name) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static decimal? Number(JsonElement r, string name) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out decimal d)
            ? d
            : null;

    internal static bool? Bool(JsonElement r, string name) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out JsonElement v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : null;

    /// <summary>A relationship's name: <c>"Account":{"attributes":{…},"Name":"Acme"}</c>.</summary>
    internal static string? RelatedName(JsonElement r, string relationship) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(relationship, out JsonElement related) ? Str(related, "Name") : null;

    /// <summary>An ISO 4217 code from Salesforce, if it is one.</summary>
    internal static string? Currency(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper) ? code : null;

    internal static bool IsWho(string id) => WhoPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal));

    internal static string DateTimeText(DateTimeOffset moment) =>
        moment.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string RecordUrl(Uri root, string objectName, string id) => new Uri(root, $"lightning/r/{objectName}/{id}/view").ToString();

    internal static string Body(string? text, int maxTextChars) => TextHygiene.CleanAndTruncate(text, Math.Max(1, maxTextChars));

    internal static string Line(string? text) => TextHygiene.CleanAndTruncate(text, MaxNameChars).ReplaceLineEndings(" ");

    internal static string? Optional(string? text) => text is null ? null : Line(text);
}
