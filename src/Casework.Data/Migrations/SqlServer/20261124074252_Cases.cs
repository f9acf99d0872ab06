using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Cases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CaseNumber = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Office = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    Year = table.Column<int>(type: "int", nullable: false),
                    Sequence = table.Column<int>(type: "int", nullable: false),
                    RegisteredOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Stage = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Track = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    Priority = table.Column<int>(type: "int", nullable: false),
                    GivenName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    FamilyName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Transliterations = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    DateOfBirth = table.Column<DateOnly>(type: "date", nullable: false),
                    DateOfBirthApproximate = table.Column<bool>(type: "bit", nullable: false),
                    Sex = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Nationalities = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Languages = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    SpecificNeeds = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    InstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_CaseNumber",
                table: "cases",
                column: "CaseNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_Office_Stage",
                table: "cases",
                columns: new[] { "Office", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Office_Year_Sequence",
                table: "cases",
                columns: new[] { "Office", "Year", "Sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cases");
        }
    }
}
