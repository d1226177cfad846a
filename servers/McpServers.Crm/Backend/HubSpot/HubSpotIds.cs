using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>The shapes of what HubSpot names things by: record and owner ids (digits), property names, object types.</summary>
internal static class HubSpotIds
{
    /// <summary>HubSpot record and owner ids are strings of digits (int64 in practice).</summary>
    public static bool IsId(string? value) => value is { Length: > 0 and <= 19 } && value.All(char.IsAsciiDigit);

    /// <summary>Internal property names: lower-case letters, digits and underscores (custom ones included).</summary>
    public static bool IsPropertyName(string? value) =>
        value is { Length: > 0 and <= 100 } && char.IsAsciiLetterLower(value[0]) && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>A record id from the model; anything but digits is an input error naming the parameter.</summary>
    public static string Parse(string? value, string parameter) => IsId(value?.Trim())
        ? value!.Trim()
        : throw new ToolInputException($"`{parameter}` must be a HubSpot record id: digits only, e.g. 5120394821.");

    /// <summary>
    /// A record id that may say its object (<c>company:512</c>, <c>contact:301</c>, <c>deal:77</c>): HubSpot ids do not
    /// carry their object type, so a bare id is looked up among companies, deals and contacts.
    /// </summary>
    public static (string? Type, string Id) ParseRecord(string? value, string parameter)
    {
        string text = value?.Trim() ?? "";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (null, Parse(text, parameter));
        }

        string? type = text[..colon].ToLowerInvariant() switch
        {
            "company" or "companies" or "account" => HubSpotObjects.Companies,
            "contact" or "contacts" => HubSpotObjects.Contacts,
            "deal" or "deals" or "opportunity" => HubSpotObjects.Deals,
            _ => null,
        };
        return type is null
            ? throw new ToolInputException($"`{parameter}` must be a HubSpot record id (digits), optionally prefixed with company:, contact: or deal:.")
            : (type, Parse(text[(colon + 1)..], parameter));
    }
}

/// <summary>HubSpot's object type names and their UI object type ids (record links).</summary>
internal static class HubSpotObjects
{
    public const string Companies = "companies";
    public const string Contacts = "contacts";
    public const string Deals = "deals";
    public const string Calls = "calls";
    public const string Notes = "notes";
    public const string Meetings = "meetings";
    public const string Tasks = "tasks";
    public const string Emails = "emails";

    public static string Of(CrmObjectKind kind) => kind switch
    {
        CrmObjectKind.Account => Companies,
        CrmObjectKind.Contact => Contacts,
        _ => Deals,
    };

    /// <summary>The singular, as the search association pseudo-property names it (<c>associations.company</c>).</summary>
    public static string Singular(string type) => type switch
    {
        Companies => "company",
        Contacts => "contact",
        Deals => "deal",
        _ => type.TrimEnd('s'),
    };

    /// <summary>HubSpot's object type ids as record links use them: 0-1 contacts, 0-2 companies, 0-3 deals.</summary>
    public static string TypeId(string type) => type switch
    {
        Contacts => "0-1",
        Companies => "0-2",
        _ => "0-3",
    };

    public static string Engagement(ActivityKind kind) => kind switch
    {
        ActivityKind.Call => Calls,
        ActivityKind.Note => Notes,
        ActivityKind.Meeting => Meetings,
        ActivityKind.Task => Tasks,
        _ => Emails,
    };
}
