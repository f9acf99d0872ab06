using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrganisationNormalizedName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_organisations_Name",
                table: "organisations");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedName",
                table: "organisations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            // Existing organisations take their name's compared form before the unique index is built.
            migrationBuilder.Sql("UPDATE organisations SET \"NormalizedName\" = UPPER(TRIM(\"Name\"))");

            // Names that differed only in case or spaces could both be added before (the index was on the name as typed).
            // All are kept: the first added keeps the compared form, each later one's is marked with its id, so the
            // index can be built; a further organisation of that name is refused.
            migrationBuilder.Sql("""
                UPDATE organisations SET "NormalizedName" = left("NormalizedName", 162) || ' #' || "Id"::text
                WHERE EXISTS (SELECT 1 FROM organisations AS earlier
                    WHERE earlier."NormalizedName" = organisations."NormalizedName"
                      AND (earlier."CreatedAt", earlier."Id") < (organisations."CreatedAt", organisations."Id"))
                """);

            migrationBuilder.CreateIndex(
                name: "IX_organisations_NormalizedName",
                table: "organisations",
                column: "NormalizedName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_organisations_NormalizedName",
                table: "organisations");

            migrationBuilder.DropColumn(
                name: "NormalizedName",
                table: "organisations");

            migrationBuilder.CreateIndex(
                name: "IX_organisations_Name",
                table: "organisations",
                column: "Name",
                unique: true);
        }
    }
}
