using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NameSearchCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_SearchKey_Id",
                table: "cases",
                columns: new[] { "SearchKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_case_family_members_SearchKey_CaseId",
                table: "case_family_members",
                columns: new[] { "SearchKey", "CaseId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_SearchKey_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_case_family_members_SearchKey_CaseId",
                table: "case_family_members");
        }
    }
}
