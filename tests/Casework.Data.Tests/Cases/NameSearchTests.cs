using Casework.Data.Cases;

namespace Casework.Data.Tests.Cases;

public sealed class NameSearchTests
{
    [Theory]
    [InlineData("Ömer", "omer")]
    [InlineData("YILMAZ", "yilmaz")]
    [InlineData("Yılmaz", "yilmaz")]
    [InlineData("José María", "jose maria")]
    [InlineData("Núñez-García", "nunez garcia")]
    [InlineData("  Al –  Amin ", "al amin")]
    [InlineData("N’Diaye", "n diaye")]
    [InlineData("Straße", "strasse")]
    [InlineData("Søren Ærø", "soren aero")]
    [InlineData("Łukasz Đorđević", "lukasz dordevic")]
    [InlineData("Þóra", "thora")]
    [InlineData("أحمد", "احمد")]
    [InlineData("مُحَمَّد", "محمد")]
    [InlineData("Ёлка", "елка")]
    [InlineData("김민준", "김민준")]
    [InlineData("", "")]
    [InlineData(" - ", "")]
    [InlineData(null, "")]
    public void Fold_DropsCaseAccentsAndSeparators_AndKeepsOtherScriptsWhole(string? name, string folded) =>
        Assert.Equal(folded, NameSearch.Fold(name));

    [Fact]
    public void TheKey_HoldsBothOrdersAndEachTransliteration_OnLinesOfTheirOwn()
    {
        Assert.Equal("omer yilmaz\nyilmaz omer\nомер\nomar", NameSearch.KeyOf("Ömer", "Yılmaz", "Омер,Omar"));
        Assert.Equal("amina amina\namina", NameSearch.KeyOf("Amina", "Amina", "Amina Amina,amina"));
        Assert.Equal(NameSearch.MaxKeyLength, NameSearch.KeyOf(new string('a', 1000), new string('b', 1000), null).Length);
    }
}
