using Casework.Web.Features.Audit;

namespace Casework.Web.Tests.Api;

/// <summary>The export's fields: quoted when they must be, never read by a spreadsheet as a formula.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("clerk.a", "clerk.a")]
    [InlineData("GET /api/cases/1", "GET /api/cases/1")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void AField_IsQuotedWhenItMustBe_AndNeverStartsAsAFormula(string? value, string written) =>
        Assert.Equal(written, AuditCsv.Field(value));
}
