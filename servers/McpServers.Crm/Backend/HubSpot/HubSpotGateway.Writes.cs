using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>Creates, updates and logged activities: only allowlisted, writable properties, values checked by type.</summary>
internal sealed partial class HubSpotGateway
{
    private const int MaxWriteChars = 65_536;

    public async Task<IReadOnlyList<FieldValue>> CheckWriteAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        RefuseWhenNearLimit();
        string type = HubSpotObjects.Of(kind);
        IReadOnlyList<string> writable = WriteAllowlist(type);
        if (writable.Count == 0)
        {
            throw new ToolInputException($"No {type} property may be written on this server ({WriteSetting(type)} is empty).");
        }

        if (fields.Count == 0)
        {
            throw new ToolInputException($"`fields` must name at least one property; writable: {string.Join(", ", writable)}.");
        }

        IReadOnlyDictionary<string, HubSpotProperty> all = await Cached(_properties, type, ct => LoadPropertiesAsync(type, ct), cancellationToken);
        var checkedValues = new List<FieldValue>();
        foreach ((string name, JsonElement value) in fields)
        {
            if (!writable.Contains(name, StringComparer.Ordinal) || !all.TryGetValue(name, out HubSpotProperty? property) || !property.Writable)
            {
                throw new ToolInputException($"`fields`: '{Name(name, 100)}' cannot be written on {type}; writable: {string.Join(", ", writable.Where(w => all.TryGetValue(w, out HubSpotProperty? p) && p.Writable))}.");
            }

            checkedValues.Add(new FieldValue(name, property.Label, WriteValue(property, value)));
        }

        return checkedValues;
    }

    public async Task<RecordWritten> CreateRecordAsync(CrmObjectKind kind, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        IReadOnlyList<FieldValue> values = await CheckWriteAsync(kind, fields, cancellationToken);
        string type = HubSpotObjects.Of(kind);
        HsObject created = await SendAsync(HttpMethod.Post, $"{options.ObjectsPath}/{type}", Json(new HsWrite(Properties(values)), HubSpotJsonContext.Default.HsWrite),
            HubSpotJsonContext.Default.HsObject, $"The new {type} record", idempotent: false, cancellationToken);
        return await WrittenAsync(type, created, cancellationToken);
    }

    public async Task<RecordWritten> UpdateRecordAsync(CrmObjectKind kind, string recordId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        string id = HubSpotIds.Parse(recordId, "record_id");
        IReadOnlyList<FieldValue> values = await CheckWriteAsync(kind, fields, cancellationToken);
        string type = HubSpotObjects.Of(kind);
        HsObject updated = await SendAsync(HttpMethod.Patch, $"{options.ObjectsPath}/{type}/{id}", Json(new HsWrite(Properties(values)), HubSpotJsonContext.Default.HsWrite),
            HubSpotJsonContext.Default.HsObject, $"{Capital(HubSpotObjects.Singular(type))} {id}", idempotent: false, cancellationToken);
        return await WrittenAsync(type, updated with { Id = updated.Id ?? id }, cancellationToken);
    }

    /// <summary>
    /// A call, note, meeting or task engagement, owned by "me" (<c>hubspot_owner_id</c>), at <c>hs_timestamp</c>, created
    /// with an inline association to the record by HubSpot's default (unlabelled) association type for the pair, read
    /// from <c>GET /crm/v4/associations/{engagement}/{object}/labels</c>.
    /// </summary>
    public async Task<RecordWritten> LogActivityAsync(NewActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        RefuseWhenNearLimit();
        if (activity.Kind == ActivityKind.Email)
        {
            throw new ToolInputException("HubSpot e-mails are logged from the inbox or the e-mail integration; log a call, meeting, note or task instead.");
        }

        string engagement = HubSpotObjects.Engagement(activity.Kind);
        (string? given, string id) = HubSpotIds.ParseRecord(activity.RecordId, "record_id");
        string subject = HubSpotSearch.Text(activity.Subject, "subject");
        string? body = activity.Body is { Length: > 0 } b ? Body(b) : null;
        string owner = await MeAsync(cancellationToken);
        string type = given ?? await RecordTypeAsync(id, cancellationToken);
        int associationType = await Cached(_associationTypes, engagement + "/" + type, ct => DefaultAssociationAsync(engagement, type, ct), cancellationToken);
        DateTimeOffset when = (activity.When ?? time.GetUtcNow()).ToUniversalTime();
        string timestamp = when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["hs_timestamp"] = timestamp, ["hubspot_owner_id"] = owner };
        switch (activity.Kind)
        {
            case ActivityKind.Call:
                properties["hs_call_title"] = subject;
                properties["hs_call_status"] = "COMPLETED";
                Optional(properties, "hs_call_body", body);
                if (activity.DurationMinutes is { } minutes)
                {
                    properties["hs_call_duration"] = (minutes * 60_000L).ToString(CultureInfo.InvariantCulture);
                }

                break;
            case ActivityKind.Meeting:
                properties["hs_meeting_title"] = subject;
                Optional(properties, "hs_meeting_body", body);
                properties["hs_meeting_start_time"] = timestamp;
                properties["hs_meeting_end_time"] = when.AddMinutes(activity.DurationMinutes ?? 30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                break;
            case ActivityKind.Task:
                properties["hs_task_subject"] = subject;
                Optional(properties, "hs_task_body", body);
                properties["hs_task_status"] = when <= time.GetUtcNow() ? "COMPLETED" : "NOT_STARTED";
                break;
            default:
                properties["hs_note_body"] = body is null ? subject : subject + "\n\n" + body;
                break;
        }

        var write = new HsWrite(properties, [new HsNewAssociation(new HsId(id), [new HsAssociationType("HUBSPOT_DEFINED", associationType)])]);
        HsObject created = await SendAsync(HttpMethod.Post, $"{options.ObjectsPath}/{engagement}", Json(write, HubSpotJsonContext.Default.HsWrite),
            HubSpotJsonContext.Default.HsObject, $"{Capital(HubSpotObjects.Singular(type))} {id}", idempotent: false, cancellationToken);
        if (!HubSpotIds.IsId(created.Id))
        {
            throw new BackendException(BackendErrorKind.Unavailable,
                $"HubSpot reported the {HubSpotObjects.Singular(engagement)} as logged but returned an id this server does not accept; look for it on the record before trying again.");
        }

        // An engagement opens on its record's page.
        Links links = await LinksAsync(cancellationToken);
        return new RecordWritten(engagement, created.Id!, Url(links, type, id));
    }

    /// <summary>A bare id: the one of companies, deals and contacts that has it; an id two of them have must be qualified.</summary>
    private async Task<string> RecordTypeAsync(string id, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (string type in new[] { HubSpotObjects.Companies, HubSpotObjects.Deals, HubSpotObjects.Contacts })
        {
            try
            {
                HsObject record = await GetAsync($"{options.ObjectsPath}/{type}/{id}?properties=hs_object_id", HubSpotJsonContext.Default.HsObject,
                    $"Record {id}", cancellationToken);
                if (record.Id == id)
                {
                    found.Add(type);
                }
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.NotFound)
            {
            }
        }

        return found.Count switch
        {
            0 => throw new BackendException(BackendErrorKind.NotFound, $"Record {id} was not found or is not visible to you."),
            1 => found[0],
            _ => throw new ToolInputException($"`record_id` {id} names more than one HubSpot record ({string.Join(", ", found)}); write it as company:{id}, deal:{id} or contact:{id}."),
        };
    }

    /// <summary>HubSpot's default association type for the pair: HUBSPOT_DEFINED without a label (HubSpot advises not to hard-code the ids).</summary>
    private async Task<int> DefaultAssociationAsync(string from, string to, CancellationToken cancellationToken)
    {
        HsAssociationLabels labels = await GetAsync($"{options.AssociationsPath}/{from}/{to}/labels", HubSpotJsonContext.Default.HsAssociationLabels,
            "The association types", cancellationToken);
        HsAssociationLabel[] defined = [.. (labels.Results ?? []).Where(l => l.Category == "HUBSPOT_DEFINED" && l.TypeId is > 0)];
        return (defined.FirstOrDefault(l => l.Label is null) ?? defined.FirstOrDefault())?.TypeId
            ?? throw new BackendException(BackendErrorKind.Unavailable, $"HubSpot has no association type from {from} to {to}.");
    }

    private async Task<RecordWritten> WrittenAsync(string type, HsObject record, CancellationToken cancellationToken)
    {
        if (!HubSpotIds.IsId(record.Id))
        {
            throw new BackendException(BackendErrorKind.Unavailable,
                $"HubSpot reported the {HubSpotObjects.Singular(type)} as saved but returned an id this server does not accept; check the record in HubSpot before trying again.");
        }

        Links links = await LinksAsync(cancellationToken);
        return new RecordWritten(type, record.Id!, Url(links, type, record.Id!));
    }

    /// <summary>
    /// A value as HubSpot takes it (always a string): text one line or more but capped; numbers invariant; dates
    /// <c>yyyy-MM-dd</c>; date-times ISO 8601; booleans true/false; enumerations one of the property's options (the
    /// valid ones listed otherwise); null clears the property.
    /// </summary>
    private static string WriteValue(HubSpotProperty property, JsonElement value)
    {
        string parameter = "fields." + property.Name;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        string text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw new ToolInputException($"`{parameter}` must be a string, number, boolean or null."),
        };
        switch (property.Type)
        {
            case "number":
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal number)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : throw new ToolInputException($"`{parameter}` must be a number, e.g. 12500.50.");
            case "date":
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
                    ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : throw new ToolInputException($"`{parameter}` must be a date like 2026-12-31.");
            case "datetime" when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day):
                // A date for a date-time property (a deal's close date): midnight UTC, as HubSpot stores dates.
                return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
            case "datetime":
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset when) && text.Contains('T', StringComparison.Ordinal)
                    ? when.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                    : throw new ToolInputException($"`{parameter}` must be a date-time like 2026-12-31T15:00:00Z.");
            case "bool":
                return bool.TryParse(text, out bool flag) ? (flag ? "true" : "false") : throw new ToolInputException($"`{parameter}` must be true or false.");
            case "enumeration":
                return Option(property, text, parameter);
            default:
                return Body(text, parameter);
        }
    }

    /// <summary>Free text sent to HubSpot: line breaks and tabs allowed, other control characters refused, capped.</summary>
    private static string Body(string text, string parameter = "body")
    {
        if (text.Length > MaxWriteChars)
        {
            throw new ToolInputException($"`{parameter}` must be at most {MaxWriteChars} characters.");
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            throw new ToolInputException($"`{parameter}` must not contain control characters.");
        }

        return text;
    }

    private static Dictionary<string, string> Properties(IReadOnlyList<FieldValue> values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static void Optional(Dictionary<string, string> properties, string name, string? value)
    {
        if (value is not null)
        {
            properties[name] = value;
        }
    }

    private static string WriteSetting(string type) => type switch
    {
        HubSpotObjects.Companies => "HubSpot:CompanyWriteProperties",
        HubSpotObjects.Contacts => "HubSpot:ContactWriteProperties",
        _ => "HubSpot:DealWriteProperties",
    };

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
