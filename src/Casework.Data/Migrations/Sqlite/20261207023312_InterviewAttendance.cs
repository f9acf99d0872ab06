using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InterviewAttendance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RepresentativeAnswer",
                table: "interviews",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RepresentativeAnsweredAt",
                table: "interviews",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RepresentativeAnsweredBy",
                table: "interviews",
                type: "TEXT",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RepresentativeAnswer",
                table: "interviews");

            migrationBuilder.DropColumn(
                name: "RepresentativeAnsweredAt",
                table: "interviews");

            migrationBuilder.DropColumn(
                name: "RepresentativeAnsweredBy",
                table: "interviews");
        }
    }
}
