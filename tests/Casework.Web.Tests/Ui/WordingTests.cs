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

    [Theory]
    [InlineData("dateOfBirth", "2015-05-01", "1 May 2015")]
    [InlineData("dateOfBirth", null, "(empty)")]
    [InlineData("givenName", "2015-05-01", "2015-05-01")]
    [InlineData("relationship", "OtherRelative", "Other relative")]
    [InlineData("documents", "Passport P-7781 SOM 2030-01-01; BirthCertificate B 9", "Passport P-7781 (SOM), expires 1 Jan 2030; Birth certificate B 9")]
    [InlineData("documents", "NationalIdCard N-1 KEN", "National id card N-1 (KEN)")]
    [InlineData("documents", "Passport 2030-01-01", "Passport 2030-01-01")]
    public void Corrected_ShowsDatesAndDocumentsAsTheScreensDo(string field, string? value, string shown) =>
        Assert.Equal(shown, Casework.Web.Ui.Wording.Corrected(field, value));

    [Theory]
    [InlineData("Open", "2026-03-10", 0, null, "Due today")]
    [InlineData("Open", "2026-03-10", 1, null, "1 day left")]
    [InlineData("Open", "2026-03-10", 12, null, "12 days left")]
    [InlineData("Passed", "2026-03-10", -1, null, "Passed 1 day ago")]
    [InlineData("Passed", "2026-03-10", -40, null, "Passed 40 days ago")]
    [InlineData("Held", "2026-03-10", -5, "2026-03-09", "Interview held on 9 Mar 2026")]
    [InlineData("Held", "2026-03-10", -5, "2026-03-10", "Interview held on 10 Mar 2026")]
    [InlineData("Held", "2026-03-10", -5, "2026-03-13", "Interview held on 13 Mar 2026, 3 days after the target")]
    [InlineData("Lodged", "2026-03-10", 4, "2026-03-06", "Appeal lodged on 6 Mar 2026")]
    [InlineData("Lodged", "2026-03-10", 4, null, "Appeal lodged")]
    [InlineData("Ended", "2026-03-10", -5, null, "No longer applies: the case left this stage without it")]
    public void Standing_SaysWhereTheCaseStandsAgainstADeadline(string status, string date, int daysLeft, string? doneOn, string shown) =>
        Assert.Equal(shown, Casework.Web.Ui.Wording.Standing(new Casework.Web.Features.Cases.CaseDeadlineView("InterviewTarget",
            DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), "—", status, daysLeft,
            doneOn is null ? null : DateOnly.Parse(doneOn, System.Globalization.CultureInfo.InvariantCulture))));
}
