using McpServers.Crm.Backend;
using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>The SOQL builder: names only from describe ∩ allowlist, every value an escaped literal of the field's type.</summary>
public sealed class SoqlTests
{
    private static readonly SfField[] Described =
    [
        Field("Id", "id"),
        Field("Name", "string"),
        Field("Industry", "picklist"),
        Field("AnnualRevenue", "currency"),
        Field("CloseDate", "date"),
        Field("CreatedDate", "datetime"),
        Field("IsWon", "boolean"),
        Field("OwnerId", "reference", relationship: "Owner"),
        Field("AccountId", "reference", relationship: "Account"),
        Field("Description", "textarea", filterable: false),
        Field("Secret__c", "string"),
    ];

    private static readonly string[] Allowed = ["Id", "Name", "Industry", "AnnualRevenue", "CloseDate", "CreatedDate", "IsWon", "OwnerId", "AccountId", "Description", "Website"];

    private static SoqlQuery Query() => new(new SObjectSchema("Opportunity", "Opportunity", "006", Described, Allowed, []));

    private static SfField Field(string name, string type, string? relationship = null, bool filterable = true) =>
        new(name, name, type, 255, true, true, true, filterable, [], relationship is null ? [] : ["X"], relationship);

    /// <summary>Injection attempts and metacharacters, each with its literal as an = value and inside LIKE.</summary>
    public static TheoryData<string, string, string> Values => new()
    {
        { "' OR Name != '", @"'\' OR Name != \''", @"'%\' OR Name != \'%'" },
        { @"\' OR Id != null --", @"'\\\' OR Id != null --'", @"'%\\\' OR Id != null --%'" },
        { @"C:\temp\", @"'C:\\temp\\'", @"'%C:\\temp\\%'" },
        { "100%", "'100%'", @"'%100\%%'" },
        { "a_b", "'a_b'", @"'%a\_b%'" },
        { "O‘Brien’s ʼquote", "'O‘Brien’s ʼquote'", "'%O‘Brien’s ʼquote%'" },
        { "Ünïcødé 名前", "'Ünïcødé 名前'", "'%Ünïcødé 名前%'" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Equals_String_IsQuotedWithBackslashAndQuoteEscapedOnly(string value, string literal, string _) =>
        Assert.Equal($"SELECT Id FROM Opportunity WHERE Name = {literal}", Query().Select("Id").Where("Name", "=", value).ToString());

    [Theory]
    [MemberData(nameof(Values))]
    public void Contains_EscapesLikeWildcardsToo(string value, string _, string pattern) =>
        Assert.Equal($"SELECT Id FROM Opportunity WHERE Name LIKE {pattern}", Query().Select("Id").WhereContains("Name", value).ToString());

    [Theory]
    [MemberData(nameof(Values))]
    public void In_EachValueIsAQuotedLiteral(string value, string literal, string _) =>
        Assert.Equal($"SELECT Id FROM Opportunity WHERE Industry IN ('Banking', {literal})",
            Query().Select("Id").WhereIn("Industry", ["Banking", value]).ToString());

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("tab\there")]
    [InlineData("nul\0char")]
    [InlineData("bell\u0007")]
    [InlineData("next line\u0085")]
    [InlineData("line separator\u2028")]
    [InlineData("paragraph separator\u2029")]
    public void ControlCharactersAndLineBreaks_AreRefusedInEveryValuePosition(string value)
    {
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where("Name", "=", value));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").WhereContains("Name", value));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").WhereIn("Industry", [value]));
    }

    [Theory]
    [InlineData("' OR Name != '")]
    [InlineData("001Fk00000000")]
    [InlineData("001Fk0000000001AAB")] // wrong checksum
    [InlineData("001Fk0000000001\n")]
    public void IdAndReferenceFields_TakeOnlyRecordIds(string value)
    {
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where("OwnerId", "=", value));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where("Id", "=", value));
    }

    [Fact]
    public void ReferenceField_TakesAValidIdAsAQuotedLiteral() =>
        Assert.Equal("SELECT Id FROM Opportunity WHERE AccountId = '001D000000IqhSLIAZ'",
            Query().Select("Id").Where("AccountId", "=", "001D000000IqhSLIAZ").ToString());

    [Fact]
    public void TypedValues_AreWrittenByFieldType()
    {
        string soql = Query().Select("Id")
            .Where("AnnualRevenue", ">=", 1234.5m)
            .Where("CloseDate", "<", new DateOnly(2027, 1, 1))
            .Where("CreatedDate", ">=", new DateTimeOffset(2026, 10, 1, 2, 0, 0, TimeSpan.FromHours(2)))
            .Where("IsWon", "=", true)
            .ToString();

        Assert.Equal("SELECT Id FROM Opportunity WHERE AnnualRevenue >= 1234.5 AND CloseDate < 2027-01-01 AND CreatedDate >= 2026-10-01T00:00:00Z AND IsWon = true", soql);
    }

    [Theory]
    [InlineData("AnnualRevenue", "1000; DELETE")]
    [InlineData("CloseDate", "2026-01-01")]
    [InlineData("IsWon", "true")]
    public void TextForATypedField_IsAnInputError(string field, string value) =>
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where(field, "=", value));

    [Fact]
    public void NumberForATextField_IsAnInputError() =>
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where("Name", "=", 5m));

    [Theory]
    [InlineData("Secret__c")] // described, not allowlisted
    [InlineData("Website")] // allowlisted, not described (hidden from the user)
    [InlineData("Name FROM User --")]
    [InlineData("Nonexistent")]
    public void FieldsOutsideDescribeAndAllowlist_AreRefusedEverywhere(string field)
    {
        Assert.Throws<ToolInputException>(() => Query().Select(field));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").Where(field, "=", "x"));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").WhereContains(field, "x"));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").OrderBy(field));
        Assert.Throws<ToolInputException>(() => Query().Select("Id").GroupBy(field));
    }

    [Fact]
    public void SelectAllowed_LeavesOutFieldsOffTheAllowlist() =>
        Assert.Equal("SELECT Id, Name FROM Opportunity", Query().Select("Id").SelectAllowed("Name", "Secret__c", "Website", "Nope.Name").ToString());

    [Fact]
    public void FieldNames_AreWrittenAsDescribeSpellsThem() =>
        Assert.Equal("SELECT Id, Name FROM Opportunity WHERE Industry = 'Banking'", Query().Select("id", "NAME").Where("industry", "=", "Banking").ToString());

    [Theory]
    [InlineData("Owner.Name", "Owner.Name")]
    [InlineData("account.Name", "Account.Name")]
    public void RelationshipName_IsAllowedThroughAnAllowedReference(string path, string written) =>
        Assert.Equal($"SELECT {written} FROM Opportunity", Query().Select(path).ToString());

    [Theory]
    [InlineData("Owner.Email")]
    [InlineData("Owner.Name.Name")]
    [InlineData("What.Name")]
    public void OtherRelationshipPaths_AreRefused(string path) =>
        Assert.Throws<ToolInputException>(() => Query().Select(path));

    [Fact]
    public void NonFilterableField_IsRefusedInAFilter() =>
        Assert.Throws<ToolInputException>(() => Query().Select("Id").WhereContains("Description", "x"));

    [Fact]
    public void Contains_OnANonTextField_IsRefused() =>
        Assert.Throws<ToolInputException>(() => Query().Select("Id").WhereContains("AnnualRevenue", "1"));

    [Fact]
    public void Aggregate_GroupOrderLimit_AreWrittenInSoqlOrder()
    {
        string soql = Query().Select("AccountId", "Account.Name").SelectAggregate("SUM", "AnnualRevenue").SelectAggregate("COUNT", "Id")
            .WhereNotNull("AccountId").Where("IsWon", "=", true).WhereDateRange("CloseDate", new DateRange(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1)))
            .GroupBy("AccountId", "Account.Name").OrderByAggregate("SUM", "AnnualRevenue", descending: true).Limit(10).ToString();

        Assert.Equal(
            "SELECT AccountId, Account.Name, SUM(AnnualRevenue), COUNT(Id) FROM Opportunity WHERE AccountId != null AND IsWon = true AND CloseDate >= 2026-10-01 AND CloseDate < 2027-01-01 GROUP BY AccountId, Account.Name ORDER BY SUM(AnnualRevenue) DESC LIMIT 10",
            soql);
    }

    [Fact]
    public void OperatorsAndAggregates_ComeFromFixedSets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Query().Where("Name", "= 'x' OR Name =", "y"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Query().SelectAggregate("SUM(Id)) FROM User --", "Id"));
    }

    [Fact]
    public void EmptyIn_AddsNothing() =>
        Assert.Equal("SELECT Id FROM Opportunity", Query().Select("Id").WhereIn("Industry", []).ToString());

    [Fact]
    public void OpenRanges_AddOnlyTheirEnds() =>
        Assert.Equal("SELECT Id FROM Opportunity WHERE AnnualRevenue <= 10 AND CloseDate >= 2026-01-01",
            Query().Select("Id").WhereAmountRange("AnnualRevenue", new AmountRange(null, 10m)).WhereDateRange("CloseDate", new DateRange(new DateOnly(2026, 1, 1), null)).ToString());
}
