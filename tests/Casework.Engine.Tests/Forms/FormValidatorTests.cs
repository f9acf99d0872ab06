using Casework.Engine.Forms;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Forms;

public sealed class FormValidatorTests
{
    private static readonly FormDefinition Review = new()
    {
        Key = "review-decision",
        Fields =
        [
            new FormField { Name = "comments", Type = FieldType.Text, MaxLength = 10 },
            new FormField { Name = "outcomeDate", Type = FieldType.Date, Required = true },
            new FormField { Name = "track", Type = FieldType.Choice, Options = ["regular", "accelerated"] },
            new FormField { Name = "urgent", Type = FieldType.Boolean },
            new FormField { Name = "score", Type = FieldType.Number },
        ],
        Outcomes = ["approve", "return"],
    };

    [Fact]
    public void ValidData_HasNoErrors()
    {
        var errors = FormValidator.Validate(Review, Scenario.Vars(new { outcome = "approve", outcomeDate = "2026-03-02", track = "regular", urgent = true, score = 3 }));

        Assert.Empty(errors);
    }

    [Fact]
    public void ACompletion_SetsEveryFieldTheSubmissionLeavesOutToNull_AndTheOutcomeOnlyWhenTheFormHasNone()
    {
        var review = FormValidator.Completion(Review, Scenario.Vars(new { outcome = "return", outcomeDate = "2026-03-02", urgent = false }));
        Assert.Equal(["comments", "outcome", "outcomeDate", "score", "track", "urgent"], review.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("return", review["outcome"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.False, review["urgent"].ValueKind);
        Assert.All(new[] { "comments", "score", "track" }, name => Assert.Equal(System.Text.Json.JsonValueKind.Null, review[name].ValueKind));

        var noOutcomes = Review with { Outcomes = [] };
        var completed = FormValidator.Completion(noOutcomes, null);
        Assert.Equal(["comments", "outcome", "outcomeDate", "score", "track", "urgent"], completed.Keys.Order(StringComparer.Ordinal));
        Assert.All(completed.Values, value => Assert.Equal(System.Text.Json.JsonValueKind.Null, value.ValueKind));
    }

    [Fact]
    public void EachBadField_IsNamed()
    {
        var errors = FormValidator.Validate(Review, Scenario.Vars(new
        {
            outcome = "maybe", comments = "far too long text", track = "express", urgent = "yes", score = "3", stray = 1,
        }));

        Assert.Equal(["comments", "outcome", "outcomeDate", "score", "stray", "track", "urgent"], errors.Select(e => e.Field).Order());
        Assert.Contains(errors, e => e.Field == "outcomeDate" && e.Message.Contains("required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "outcome" && e.Message.Contains("approve, return", StringComparison.Ordinal));
    }

    [Fact]
    public void AFieldRequiredWhenAnotherHoldsAValue_IsRequiredOnlyThen_AndTheErrorSaysWhy()
    {
        var counselling = new FormDefinition
        {
            Key = "return-counselling",
            Fields =
            [
                new FormField { Name = "returnOption", Label = "Return option", Type = FieldType.Choice, Required = true, Options = ["Voluntary", "AssistedWithPartner", "Other"] },
                new FormField { Name = "partnerOrganisation", Label = "Partner organisation", RequiredWhen = new FieldCondition { Field = "returnOption", Is = ["AssistedWithPartner", "Other"] } },
            ],
        };

        var missing = Assert.Single(FormValidator.Validate(counselling, Scenario.Vars(new { returnOption = "AssistedWithPartner", partnerOrganisation = " " })));
        Assert.Equal("partnerOrganisation", missing.Field);
        Assert.Equal("'Partner organisation' is required when 'Return option' is AssistedWithPartner.", missing.Message);
        Assert.Equal("partnerOrganisation", Assert.Single(FormValidator.Validate(counselling, Scenario.Vars(new { returnOption = "Other" }))).Field);
        Assert.Empty(FormValidator.Validate(counselling, Scenario.Vars(new { returnOption = "AssistedWithPartner", partnerOrganisation = "IOM" })));
        Assert.Empty(FormValidator.Validate(counselling, Scenario.Vars(new { returnOption = "Voluntary" })));
        Assert.Equal(["returnOption"], FormValidator.Validate(counselling, null).Select(e => e.Field));
    }

    [Fact]
    public void Catalog_ReportsAndDropsARequiredWhenConditionThatDoesNotNameAnotherChoiceFieldAndItsOptions()
    {
        var folder = Directory.CreateTempSubdirectory("forms-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "counselling.json"), """
                { "key": "counselling", "fields": [
                    { "name": "option", "type": "choice", "options": [ "Voluntary", "Assisted" ] },
                    { "name": "notes", "type": "text" },
                    { "name": "partner", "type": "text", "requiredWhen": { "field": "option", "is": [ "Assisted" ] } },
                    { "name": "a", "type": "text", "requiredWhen": { "field": "opton", "is": [ "Assisted" ] } },
                    { "name": "b", "type": "text", "requiredWhen": { "field": "notes", "is": [ "x" ] } },
                    { "name": "c", "type": "text", "requiredWhen": { "field": "option", "is": [ "Assisted", "Forced" ] } },
                    { "name": "d", "type": "choice", "options": [ "x" ], "requiredWhen": { "field": "d", "is": [ "x" ] } },
                    { "name": "e", "type": "text", "requiredWhen": { "field": "option" } } ] }
                """);

            var catalog = FormCatalog.Load(folder.FullName);

            var form = catalog.Find("counselling")!;
            Assert.Equal(["option"], form.Fields.Where(f => f.RequiredWhen is not null).Select(f => f.RequiredWhen!.Field));
            Assert.Equal(["Assisted"], form.Fields.Single(f => f.Name == "partner").RequiredWhen!.Is);
            Assert.Equal(5, catalog.Problems.Count);
            Assert.Contains("field 'a' is required when 'opton' holds a value, but the form has no other field of that name", catalog.Problems[0], StringComparison.Ordinal);
            Assert.Contains("'notes' is a Text field, not a Choice field", catalog.Problems[1], StringComparison.Ordinal);
            Assert.Contains("'Forced', which is not one of its options: Voluntary, Assisted", catalog.Problems[2], StringComparison.Ordinal);
            Assert.Contains("field 'd' is required when 'd' holds a value, but the form has no other field", catalog.Problems[3], StringComparison.Ordinal);
            Assert.Contains("field 'e' is required when 'option' is one of no values", catalog.Problems[4], StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Catalog_LoadsFormsByKey_AndReportsAFileWhoseKeyDoesNotMatchItsName()
    {
        var folder = Directory.CreateTempSubdirectory("forms-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "interview.json"), """{ "key": "interview", "fields": [ { "name": "notes", "type": "text" } ] }""");
            File.WriteAllText(Path.Combine(folder.FullName, "wrong.json"), """{ "key": "other" }""");
            File.WriteAllText(Path.Combine(folder.FullName, "broken.json"), "{ not json");

            var catalog = FormCatalog.Load(folder.FullName);

            Assert.Equal(["interview"], catalog.Keys);
            Assert.Equal(2, catalog.Problems.Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Catalog_KeepsAKnownPrefillThatFitsItsField_AndReportsAndDropsAnUnknownOrMisfittingOne()
    {
        var folder = Directory.CreateTempSubdirectory("forms-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "interview.json"), """
                { "key": "interview", "fields": [
                    { "name": "held", "type": "date", "prefill": "interview.date" },
                    { "name": "language", "type": "text", "prefill": "interview.langauge" },
                    { "name": "present", "type": "text", "prefill": "interview.representativeAttending" } ] }
                """);

            var catalog = FormCatalog.Load(folder.FullName);

            var form = catalog.Find("interview")!;
            Assert.Equal(["interview.date", null, null], form.Fields.Select(f => f.Prefill));
            Assert.Equal(2, catalog.Problems.Count);
            Assert.Contains("'language' is prefilled from 'interview.langauge', which is not known", catalog.Problems[0], StringComparison.Ordinal);
            Assert.Contains("'present' is a Text field; 'interview.representativeAttending' fills a Boolean field", catalog.Problems[1], StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Catalog_KeepsAnAccountFieldOfAKnownRole_AndReportsAndDropsOneOfAnUnknownRoleOrOnAFieldThatIsNotText()
    {
        var folder = Directory.CreateTempSubdirectory("forms-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "assign.json"), """
                { "key": "assign", "fields": [
                    { "name": "officer", "type": "text", "accountOf": "EligibilityOfficer" },
                    { "name": "deputy", "type": "text", "accountOf": "EligibiltyOfficer" },
                    { "name": "when", "type": "date", "accountOf": "EligibilityOfficer" } ] }
                """);

            var catalog = FormCatalog.Load(folder.FullName, ["EligibilityOfficer", "Supervisor"]);

            Assert.Equal(["EligibilityOfficer", null, null], catalog.Find("assign")!.Fields.Select(f => f.AccountOf));
            Assert.Equal(2, catalog.Problems.Count);
            Assert.Contains("'deputy' offers the accounts of 'EligibiltyOfficer', which is not a role", catalog.Problems[0], StringComparison.Ordinal);
            Assert.Contains("'when' is a Date field; only a Text field can name an account", catalog.Problems[1], StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
