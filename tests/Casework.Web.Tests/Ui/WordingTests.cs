namespace Casework.Web.Tests.Ui;

/// <summary>How the screens word stored identifiers: words for identifier-like names, everything else as written.</summary>
public sealed class WordingTests
{
    [Theory]
    [InlineData("SeeksAsylum", "Seeks asylum")]
    [InlineData("SurvivorOfTortureOrTrauma", "Survivor of torture or trauma")]
    [InlineData("RemittedForReExamination", "Remitted for re examination")]
    [InlineData("UNHCRReferral", "UNHCR referral")]
    [InlineData("ReferralToUNHCR", "Referral to UNHCR")]
    [InlineData("Stage2Review", "Stage2 review")]
    [InlineData("Email", "Email")]
    [InlineData("SOM", "SOM")]
    [InlineData("In person", "In person")]
    [InlineData("yes", "yes")]
    [InlineData("P7D", "P7D")]
    [InlineData("", "")]
    public void Of_WordsIdentifierLikeNames_AndLeavesTheRestAsWritten(string value, string shown) =>
        Assert.Equal(shown, Casework.Web.Ui.Wording.Of(value));

    [Theory]
    [InlineData("dateOfBirth", "Date of birth")]
    [InlineData("givenName", "Given name")]
    [InlineData("sex", "Sex")]
    public void Field_WordsAnApiFieldName(string name, string shown) => Assert.Equal(shown, Casework.Web.Ui.Wording.Field(name));

    [Theory]
    [InlineData("ChildAtRisk,Disability", "Child at risk, Disability")]
    [InlineData("SOM,ETH", "SOM, ETH")]
    [InlineData("OtherRelative", "Other relative")]
    [InlineData("Passport P123 SOM", "Passport P123 SOM")]
    public void List_WordsEachEntry(string value, string shown) => Assert.Equal(shown, Casework.Web.Ui.Wording.List(value));
}
