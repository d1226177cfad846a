namespace McpServers.Crm.Tests.Fakes;

/// <summary>The fake org's describe and seeded records.</summary>
public sealed partial class FakeSalesforce
{
    private static readonly Dictionary<string, string> KeyPrefixes = new(StringComparer.Ordinal)
    {
        ["Account"] = "001",
        ["Contact"] = "003",
        ["Opportunity"] = "006",
        ["Task"] = "00T",
        ["Event"] = "00U",
        ["User"] = "005",
        ["Organization"] = "00D",
    };

    private static readonly string[] Stages = ["Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"];

    private static readonly Dictionary<string, FieldSpec[]> Schemas = new(StringComparer.Ordinal)
    {
        // Website is on the default allowlist but hidden from this user by field-level security (absent from describe).
        ["Account"] =
        [
            new("Id", "Account ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Name", "Account Name", "string", 255, Nillable: false),
            new("Industry", "Industry", "picklist", 255, Picklist: ["Banking", "Healthcare", "Manufacturing", "Technology"]),
            new("Type", "Account Type", "picklist", 255, Picklist: ["Customer", "Partner", "Prospect"]),
            new("BillingCity", "Billing City", "string", 40),
            new("BillingCountry", "Billing Country", "string", 80),
            new("AnnualRevenue", "Annual Revenue", "currency"),
            new("NumberOfEmployees", "Employees", "int"),
            new("Phone", "Account Phone", "phone", 40),
            new("OwnerId", "Owner ID", "reference", 18, Nillable: false, Reference: "User", Relationship: "Owner"),
            new("Description", "Account Description", "textarea", 32000, Filterable: false),
            new("Secret__c", "Secret", "string", 255),
            new("LastActivityDate", "Last Activity", "date", Createable: false, Updateable: false),
            new("CreatedDate", "Created Date", "datetime", Createable: false, Updateable: false),
        ],
        ["Contact"] =
        [
            new("Id", "Contact ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Name", "Full Name", "string", 121, Createable: false, Updateable: false, Nillable: false),
            new("FirstName", "First Name", "string", 40),
            new("LastName", "Last Name", "string", 80, Nillable: false),
            new("Title", "Title", "string", 128),
            new("Email", "Email", "email", 80),
            new("Phone", "Business Phone", "phone", 40),
            new("AccountId", "Account ID", "reference", 18, Reference: "Account", Relationship: "Account"),
            new("OwnerId", "Owner ID", "reference", 18, Nillable: false, Reference: "User", Relationship: "Owner"),
            new("Department", "Department", "string", 80),
            new("Birthdate", "Birthdate", "date"),
        ],
        ["Opportunity"] =
        [
            new("Id", "Opportunity ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Name", "Name", "string", 120, Nillable: false),
            new("StageName", "Stage", "picklist", 255, Nillable: false, Picklist: Stages),
            new("Amount", "Amount", "currency"),
            new("CloseDate", "Close Date", "date", Nillable: false),
            new("IsClosed", "Closed", "boolean", Createable: false, Updateable: false, Nillable: false),
            new("IsWon", "Won", "boolean", Createable: false, Updateable: false, Nillable: false),
            new("AccountId", "Account ID", "reference", 18, Reference: "Account", Relationship: "Account"),
            new("OwnerId", "Owner ID", "reference", 18, Nillable: false, Reference: "User", Relationship: "Owner"),
            new("Probability", "Probability (%)", "percent"),
            new("NextStep", "Next Step", "string", 255),
            new("Type", "Opportunity Type", "picklist", 255, Picklist: ["New Business", "Renewal"]),
        ],
        ["Task"] =
        [
            new("Id", "Activity ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Subject", "Subject", "combobox", 255),
            new("Status", "Status", "picklist", 255, Nillable: false, Picklist: ["Not Started", "In Progress", "Completed"]),
            new("ActivityDate", "Due Date Only", "date"),
            new("TaskSubtype", "Task Subtype", "picklist", 40, Updateable: false, Picklist: ["Task", "Email", "Call"]),
            new("Description", "Comments", "textarea", 32000, Filterable: false),
            new("WhatId", "Related To ID", "reference", 18, Reference: "Account,Opportunity", Relationship: "What"),
            new("WhoId", "Name ID", "reference", 18, Reference: "Contact", Relationship: "Who"),
            new("OwnerId", "Assigned To ID", "reference", 18, Nillable: false, Reference: "User", Relationship: "Owner"),
            new("CreatedDate", "Created Date", "datetime", Createable: false, Updateable: false),
            new("Priority", "Priority", "picklist", 40, Picklist: ["High", "Normal", "Low"]),
            new("CallDurationInSeconds", "Call Duration", "int"),
        ],
        ["Event"] =
        [
            new("Id", "Activity ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Subject", "Subject", "combobox", 255),
            new("StartDateTime", "Start", "datetime"),
            new("EndDateTime", "End", "datetime"),
            new("DurationInMinutes", "Duration", "int"),
            new("Description", "Description", "textarea", 32000, Filterable: false),
            new("WhatId", "Related To ID", "reference", 18, Reference: "Account,Opportunity", Relationship: "What"),
            new("WhoId", "Name ID", "reference", 18, Reference: "Contact", Relationship: "Who"),
            new("OwnerId", "Assigned To ID", "reference", 18, Nillable: false, Reference: "User", Relationship: "Owner"),
            new("CreatedDate", "Created Date", "datetime", Createable: false, Updateable: false),
        ],
        ["User"] =
        [
            new("Id", "User ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("Name", "Full Name", "string", 121, Createable: false, Updateable: false),
        ],
        ["Organization"] =
        [
            new("Id", "Organization ID", "id", 18, Createable: false, Updateable: false, Nillable: false),
            new("FiscalYearStartMonth", "Fiscal Year Starts In", "int", Createable: false, Updateable: false),
            new("DefaultCurrencyIsoCode", "Currency", "picklist", 3, Createable: false, Updateable: false),
        ],
    };

    private List<Row> Rows { get; } = [];

    private void Seed()
    {
        Add("User", MyUserId, ("Name", "Jane Rep"));
        Add("User", OtherUserId, ("Name", "Omar Other"));

        Add("Account", AcmeId, ("Name", "Acme Corp"), ("Industry", "Technology"), ("Type", "Customer"), ("BillingCountry", "US"),
            ("AnnualRevenue", 5_000_000m), ("OwnerId", MyUserId), ("Secret__c", "do not show"), ("Description", "Key account\u202E, renewal in Q4"));
        Add("Account", GlobexId, ("Name", "Globex"), ("Industry", "Manufacturing"), ("Type", "Customer"), ("BillingCountry", "DE"),
            ("AnnualRevenue", 12_000_000m), ("OwnerId", OtherUserId), ("CurrencyIsoCode", "EUR"));
        Add("Account", InitechId, ("Name", "Initech"), ("Industry", "Technology"), ("Type", "Prospect"), ("BillingCountry", "US"),
            ("AnnualRevenue", 800_000m), ("OwnerId", MyUserId));
        Add("Account", QuotesId, ("Name", QuotesName), ("Industry", "Banking"), ("Type", "Customer"), ("BillingCountry", "IE"),
            ("AnnualRevenue", 1_000_000m), ("OwnerId", OtherUserId));
        Rows.Add(new Row("Account", HiddenAccountId, visible: false) { Values = { ["Name"] = "Hidden Holdings", ["OwnerId"] = OtherUserId, ["Industry"] = "Banking" } });

        Add("Contact", JaneId, ("Name", "Jane Roe"), ("FirstName", "Jane"), ("LastName", "Roe"), ("Title", "CTO"), ("Email", "jane@acme.example"),
            ("AccountId", AcmeId), ("OwnerId", MyUserId));
        Add("Contact", JohnId, ("Name", "John Smith"), ("FirstName", "John"), ("LastName", "Smith"), ("Title", "Head of Buying"),
            ("Email", "john@acme.example"), ("AccountId", AcmeId), ("OwnerId", MyUserId));
        Add("Contact", HansId, ("Name", "Hans Gruber"), ("FirstName", "Hans"), ("LastName", "Gruber"), ("Title", "CFO"),
            ("Email", "hans@globex.example"), ("AccountId", GlobexId), ("OwnerId", OtherUserId));

        // 2026-Q4 won: Acme 100k + 50k, Globex 120k, Initech 30k. Pipeline: Initech 200k, Acme 70k. Outside: Acme's 2025
        // deal and Globex's lost one.
        Opportunity(AcmeRenewalId, "Acme renewal", AcmeId, "Closed Won", 100_000m, "2026-10-15", MyUserId);
        Opportunity(Id("006", 2), "Acme expansion", AcmeId, "Closed Won", 50_000m, "2026-11-20", MyUserId);
        Opportunity(Id("006", 3), "Acme services", AcmeId, "Negotiation", 70_000m, "2026-12-10", MyUserId);
        Opportunity(Id("006", 4), "Acme 2025 deal", AcmeId, "Closed Won", 999_999m, "2025-06-01", MyUserId);
        Opportunity(Id("006", 5), "Globex platform", GlobexId, "Closed Won", 120_000m, "2026-10-05", OtherUserId);
        // Only visible where the describe has the field (MultiCurrency).
        Rows[^1].Values["CurrencyIsoCode"] = "EUR";
        Opportunity(Id("006", 6), "Globex lost", GlobexId, "Closed Lost", 500_000m, "2026-11-01", OtherUserId);
        Opportunity(Id("006", 7), "Initech pilot", InitechId, "Closed Won", 30_000m, "2026-12-01", MyUserId);
        Opportunity(Id("006", 8), "Initech rollout", InitechId, "Qualification", 200_000m, "2026-11-15", MyUserId);

        Add("Task", Id("00T", 1), ("Subject", "Renewal call"), ("Status", "Completed"), ("ActivityDate", "2026-11-02"), ("TaskSubtype", "Call"),
            ("Description", "Discussed\u0007 the renewal"), ("WhatId", AcmeId), ("OwnerId", MyUserId), ("CreatedDate", "2026-11-02T09:00:00.000+0000"));
        Add("Task", Id("00T", 2), ("Subject", "Send proposal"), ("Status", "Not Started"), ("ActivityDate", "2026-10-01"), ("TaskSubtype", "Task"),
            ("WhatId", AcmeId), ("OwnerId", MyUserId), ("CreatedDate", "2026-09-20T09:00:00.000+0000"));
        Add("Task", Id("00T", 3), ("Subject", "Intro e-mail"), ("Status", "Completed"), ("ActivityDate", "2026-09-01"), ("TaskSubtype", "Email"),
            ("WhoId", JaneId), ("OwnerId", MyUserId), ("CreatedDate", "2026-09-01T09:00:00.000+0000"));
        Add("Event", Id("00U", 1), ("Subject", "QBR meeting"), ("StartDateTime", "2026-11-05T10:00:00.000+0000"), ("DurationInMinutes", 60m),
            ("WhatId", AcmeId), ("OwnerId", MyUserId), ("CreatedDate", "2026-10-20T09:00:00.000+0000"));
    }

    private void Opportunity(string id, string name, string account, string stage, decimal amount, string closeDate, string owner) =>
        Add("Opportunity", id, ("Name", name), ("AccountId", account), ("StageName", stage), ("Amount", amount), ("CloseDate", closeDate),
            ("OwnerId", owner), ("IsClosed", stage.StartsWith("Closed", StringComparison.Ordinal)), ("IsWon", stage == "Closed Won"));

    private void Add(string objectName, string id, params (string Field, object? Value)[] values)
    {
        var row = new Row(objectName, id);
        foreach ((string field, object? value) in values)
        {
            row.Values[field] = value;
        }

        Rows.Add(row);
    }
}
