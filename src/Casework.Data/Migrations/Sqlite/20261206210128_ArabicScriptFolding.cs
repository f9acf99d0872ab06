using Casework.Data.Cases;
using Casework.Data.Configuration;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ArabicScriptFolding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keys written before Arabic-script letter variants were folded are written again on start (SearchKeyBackfill).
            foreach (var statement in SearchKeyRefold.ClearKeysHolding(DatabaseProvider.Sqlite, NameSearch.ArabicScriptVariants))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to the earlier folding: keys holding a letter it now writes for a variant are written again the earlier way.
            foreach (var statement in SearchKeyRefold.ClearKeysHolding(DatabaseProvider.Sqlite, "\u0643\u064A\u0647\u0627"))
            {
                migrationBuilder.Sql(statement);
            }
        }
    }
}
